// rm::Value and the JSON edge forms (docs/data.md): base64, __numpy__, __audio__, __binary__.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "test_util.hpp"

namespace rm {
namespace {

using test::bytes_of;
using test::describe;
using test::J;

template <class T>
std::string base64_of(const std::vector<T>& values) {
  return base64_encode(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(values.data()), values.size() * sizeof(T)));
}

template <class T>
std::vector<T> elements_of(const Blob& blob) {
  std::vector<T> out(blob.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), blob.data(), out.size() * sizeof(T));
  return out;
}

// ---------------------------------------------------------------------------------------------
// base64

struct B64Vector {
  const char* plain;
  const char* encoded;
};

// RFC 4648, section 10.
constexpr B64Vector kRfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesTheRfc4648Vectors) {
  for (const auto& v : kRfc4648) EXPECT_EQ(base64_encode(bytes_of(v.plain)), v.encoded) << v.plain;
}

TEST(Base64Test, DecodesTheRfc4648Vectors) {
  for (const auto& v : kRfc4648) {
    auto r = base64_decode(v.encoded);
    RM_ASSERT_OK(r) << v.encoded;
    EXPECT_EQ(*r, bytes_of(v.plain)) << v.encoded;
  }
}

TEST(Base64Test, EveryByteValueRoundTrips) {
  for (std::size_t n = 0; n < 6; ++n) {  // every padding case
    std::vector<std::byte> bytes;
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<std::byte>(255 - i));
    bytes.resize(bytes.size() - n);
    std::string text = base64_encode(bytes);
    EXPECT_EQ(text.size() % 4, 0u);
    auto back = base64_decode(text);
    RM_ASSERT_OK(back);
    EXPECT_EQ(*back, bytes);
  }
  EXPECT_EQ(base64_encode(std::vector<std::byte>{std::byte{0xfb}, std::byte{0xff}, std::byte{0xbf}}), "+/+/");
}

TEST(Base64Test, RejectsInvalidInput) {
  for (const char* bad : {
           "Zg",        // not a multiple of 4
           "Zg=",       // not a multiple of 4
           "Zm9vY",     // not a multiple of 4
           "Zm9v!A==",  // a character outside the alphabet
           "Zm 9",      // white space
           "Zm9\n",     // a line break
           "Zm-_",      // the URL-safe alphabet is a different encoding
           "=Zg=",      // padding first
           "Z===",      // three padding characters
           "====",      // only padding
           "Zg=a",      // data after padding
           "Zg==Zm8=",  // padding before the last quantum
       }) {
    auto r = base64_decode(bad);
    RM_ASSERT_ERROR(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_base64") << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput) << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// __numpy__

Json numpy_json(const std::string& dtype, const std::string& shape, const std::string& data,
                const std::string& extra_meta) {
  return J(R"({"__numpy__":true,"array":{"meta":{"dtype":")" + dtype + R"(","shape":)" + shape + extra_meta +
           R"(},"data":")" + data + R"("}})");
}

TEST(NumpyFormTest, Float32MatrixRoundTripsThroughJson) {
  const std::vector<float> values{1.0f, 2.5f, -3.0f, 4.25f, 0.0f, 1e-3f};
  const std::string text = R"({"__numpy__":true,"array":{"meta":{"dtype":"float32","shape":[2,3],"size":6,)"
                           R"("c_contiguous":true,"f_contiguous":false},"data":")" +
                           base64_of(values) + R"("}})";
  auto v = value_from_json(J(text));
  RM_ASSERT_OK(v);
  ASSERT_EQ(v->kind(), Value::Kind::Tensor);
  const Tensor& t = *v->tensor();
  EXPECT_EQ(t.dtype, DType::Float32);
  EXPECT_EQ(t.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(t.element_count(), 6u);
  EXPECT_EQ(elements_of<float>(t.data), values);
  // Back to JSON: byte-identical to what numpy's side wrote.
  EXPECT_EQ(value_to_json(*v).dump(), text);
}

TEST(NumpyFormTest, TensorValueRoundTripsThroughJson) {
  Tensor t;
  t.dtype = DType::Int16;
  t.shape = {3, 1, 2};
  std::vector<std::int16_t> values{1, -2, 300, -32768, 32767, 0};
  t.data = Blob::copy_of(values.data(), values.size() * sizeof(std::int16_t));
  Value original(t);
  Json j = value_to_json(original);
  const Json& meta = *j.find("array")->find("meta");
  EXPECT_EQ(*meta.find("dtype"), Json("int16"));
  EXPECT_EQ(*meta.find("shape"), J("[3,1,2]"));
  EXPECT_EQ(*meta.find("size"), Json(6));
  EXPECT_EQ(*meta.find("c_contiguous"), Json(true));
  EXPECT_EQ(*meta.find("f_contiguous"), Json(false));
  auto back = value_from_json(j);
  RM_ASSERT_OK(back);
  EXPECT_EQ(*back, original);
}

TEST(NumpyFormTest, FContiguousFlagFollowsNumpysRule) {
  auto flag_for = [](std::vector<std::int64_t> shape) {
    Tensor t;
    t.dtype = DType::UInt8;
    t.shape = shape;
    t.data = Blob::from_vector(std::vector<std::byte>(t.element_count()));
    return *value_to_json(Value(t)).find("array")->find("meta")->find("f_contiguous");
  };
  EXPECT_EQ(flag_for({5}), Json(true));        // 1-D arrays are both
  EXPECT_EQ(flag_for({1, 4, 1}), Json(true));  // only one dimension wider than 1
  EXPECT_EQ(flag_for({}), Json(true));         // a scalar
  EXPECT_EQ(flag_for({0, 3}), Json(true));     // empty
  EXPECT_EQ(flag_for({2, 3}), Json(false));
}

TEST(NumpyFormTest, FortranOrderedMatrixIsReorderedToCOrder) {
  // [[1, 2, 3], [4, 5, 6]] laid out column by column, as numpy's order="F" does.
  const std::vector<float> fortran{1, 4, 2, 5, 3, 6};
  auto v = value_from_json(
      numpy_json("float32", "[2,3]", base64_of(fortran), R"(,"size":6,"c_contiguous":false,"f_contiguous":true)"));
  RM_ASSERT_OK(v);
  ASSERT_NE(v->tensor(), nullptr);
  EXPECT_EQ(v->tensor()->shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(elements_of<float>(v->tensor()->data), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  // It leaves as an ordinary C-ordered array.
  const Json out = value_to_json(*v);
  EXPECT_EQ(*out.find("array")->find("meta")->find("c_contiguous"), Json(true));
}

TEST(NumpyFormTest, FortranOrderedThreeDimensionalArrayIsReorderedToCOrder) {
  // value(i, j, k) = 100 i + 10 j + k for shape (2, 3, 4); Fortran offset = i + 2 j + 6 k.
  std::vector<std::int32_t> fortran(24), c_order(24);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) {
        fortran[static_cast<std::size_t>(i + 2 * j + 6 * k)] = 100 * i + 10 * j + k;
        c_order[static_cast<std::size_t>(i * 12 + j * 4 + k)] = 100 * i + 10 * j + k;
      }
  auto v = value_from_json(
      numpy_json("int32", "[2,3,4]", base64_of(fortran), R"(,"c_contiguous":false,"f_contiguous":true)"));
  RM_ASSERT_OK(v);
  EXPECT_EQ(elements_of<std::int32_t>(v->tensor()->data), c_order);
}

TEST(NumpyFormTest, ArrayThatIsBothCAndFContiguousIsTakenAsIs) {
  const std::vector<double> values{1, 2, 3};
  auto v =
      value_from_json(numpy_json("float64", "[3]", base64_of(values), R"(,"c_contiguous":true,"f_contiguous":true)"));
  RM_ASSERT_OK(v);
  EXPECT_EQ(elements_of<double>(v->tensor()->data), values);
}

TEST(NumpyFormTest, MissingFlagsMeanCOrder) {
  const std::vector<float> values{1, 2, 3, 4, 5, 6};
  auto v = value_from_json(numpy_json("float32", "[2,3]", base64_of(values), ""));
  RM_ASSERT_OK(v);
  EXPECT_EQ(elements_of<float>(v->tensor()->data), values);
}

TEST(NumpyFormTest, FailsOnSizeThatDoesNotMatchTheShape) {
  auto r = value_from_json(numpy_json("float32", "[2,3]", base64_of(std::vector<float>(6)), R"(,"size":5)"));
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().code, "invalid_numpy_form");
  EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput);
  EXPECT_NE(r.error().message.find("size"), std::string::npos) << r.error().message;
}

TEST(NumpyFormTest, FailsOnDataLengthThatDoesNotMatchShapeAndDtype) {
  for (std::size_t n : {0u, 5u, 7u, 12u}) {
    auto r = value_from_json(numpy_json("float32", "[2,3]", base64_of(std::vector<float>(n)), ""));
    RM_ASSERT_ERROR(r) << n;
    EXPECT_EQ(r.error().code, "invalid_numpy_form") << n;
    EXPECT_NE(r.error().message.find("24"), std::string::npos) << r.error().message;  // what the shape needs
  }
  // Right byte count for float32, wrong for float64.
  auto r = value_from_json(numpy_json("float64", "[2,3]", base64_of(std::vector<float>(6)), ""));
  RM_ASSERT_ERROR(r);
  EXPECT_EQ(r.error().code, "invalid_numpy_form");
}

TEST(NumpyFormTest, FailsOnShapeWhoseElementCountOverflows) {
  // 2^62 * 4 elements wraps a 64-bit count to 0, which would "match" empty data.
  for (const char* shape : {"[4611686018427387904,4]", "[4294967296,4294967296]", "[9223372036854775807,2,0,3]"}) {
    auto r = value_from_json(numpy_json("float32", shape, "", ""));
    if (std::string(shape).find(",0,") != std::string::npos) {
      // A zero dimension makes the array empty, however large the others are.
      RM_EXPECT_OK(r) << shape;
      continue;
    }
    RM_ASSERT_ERROR(r) << shape;
    EXPECT_EQ(r.error().code, "invalid_numpy_form") << shape;
  }
}

TEST(NumpyFormTest, FailsOnBadShapeDtypeOrLayout) {
  struct Case {
    Json item;
    const char* code;
  };
  const std::string six = base64_of(std::vector<float>(6));
  const Case cases[] = {
      {numpy_json("float32", "[2,-3]", six, ""), "invalid_numpy_form"},
      {numpy_json("float32", "[2,3.0]", six, ""), "invalid_numpy_form"},
      {numpy_json("float32", "\"2x3\"", six, ""), "invalid_numpy_form"},
      {numpy_json("complex64", "[2,3]", six, ""), "unsupported_dtype"},
      {numpy_json("float32", "[2,3]", "not base64!", ""), "invalid_base64"},
      {numpy_json("float32", "[2,3]", six, R"(,"c_contiguous":false,"f_contiguous":false)"), "invalid_numpy_form"},
      {J(R"({"__numpy__":true})"), "invalid_numpy_form"},
      {J(R"({"__numpy__":true,"array":{"data":""}})"), "invalid_numpy_form"},
      {J(R"({"__numpy__":true,"array":{"meta":{"shape":[0]},"data":""}})"), "invalid_numpy_form"},
  };
  for (const auto& c : cases) {
    auto r = value_from_json(c.item);
    RM_ASSERT_ERROR(r) << c.item.dump();
    EXPECT_EQ(r.error().code, c.code) << describe(r.error());
  }
}

// ---------------------------------------------------------------------------------------------
// __audio__

TEST(AudioFormTest, AudioRoundTripsKeepingSampleRateAndChannels) {
  Audio a = Audio::from_samples({0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 0.25f}, 16000, 2);
  EXPECT_EQ(a.frames(), 3u);
  Json j = value_to_json(Value(a));
  EXPECT_EQ(j.dump(), R"({"__audio__":true,"audio":{"meta":{"dtype":"float32","sample_rate":16000,"channels":2,)"
                      R"("frames":3},"data":")" +
                          base64_of(std::vector<float>{0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 0.25f}) + R"("}})");
  auto back = value_from_json(j);
  RM_ASSERT_OK(back);
  ASSERT_NE(back->audio(), nullptr);
  EXPECT_EQ(back->audio()->sample_rate, 16000);
  EXPECT_EQ(back->audio()->channels, 2);
  EXPECT_EQ(back->audio()->frames(), 3u);
  const auto view = back->audio()->view();
  EXPECT_EQ(std::vector<float>(view.begin(), view.end()), (std::vector<float>{0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 0.25f}));
  EXPECT_EQ(*back, Value(a));
}

TEST(AudioFormTest, OptionalMetaFieldsMayBeLeftOut) {
  auto v = value_from_json(J(R"({"__audio__":true,"audio":{"meta":{"sample_rate":8000,"channels":1},"data":")" +
                             base64_of(std::vector<float>{0.1f, 0.2f}) + R"("}})"));
  RM_ASSERT_OK(v);
  ASSERT_NE(v->audio(), nullptr);
  EXPECT_EQ(v->audio()->sample_rate, 8000);
  EXPECT_EQ(v->audio()->frames(), 2u);
}

TEST(AudioFormTest, FailsOnInconsistentAudio) {
  auto audio = [](const std::string& meta, const std::string& data) {
    return J(R"({"__audio__":true,"audio":{"meta":)" + meta + R"(,"data":")" + data + R"("}})");
  };
  const std::string three = base64_of(std::vector<float>{1, 2, 3});
  for (const Json& item : {
           audio(R"({"sample_rate":16000,"channels":2})", three),             // 3 samples, 2 channels
           audio(R"({"sample_rate":16000,"channels":1,"frames":4})", three),  // frames disagree
           audio(R"({"sample_rate":16000,"channels":0})", three),
           audio(R"({"sample_rate":0,"channels":1})", three),
           audio(R"({"sample_rate":16000.5,"channels":1})", three),
           audio(R"({"sample_rate":16000,"channels":1,"dtype":"int16"})", three),
           audio(R"({"channels":1})", three),
           audio(R"({"sample_rate":16000,"channels":1})", "Zg="),
           J(R"({"__audio__":true,"audio":"x"})"),
       }) {
    auto r = value_from_json(item);
    RM_ASSERT_ERROR(r) << item.dump();
    EXPECT_TRUE(r.error().code == "invalid_audio_form" || r.error().code == "invalid_base64") << describe(r.error());
  }
}

// ---------------------------------------------------------------------------------------------
// __binary__ and plain JSON

TEST(BinaryFormTest, BinaryRoundTrips) {
  Json j = J(R"({"__binary__":true,"data":"Zm9vYmFy"})");
  auto v = value_from_json(j);
  RM_ASSERT_OK(v);
  ASSERT_NE(v->binary(), nullptr);
  const auto bytes = v->binary()->data.bytes();
  EXPECT_EQ(std::vector<std::byte>(bytes.begin(), bytes.end()), bytes_of("foobar"));
  EXPECT_EQ(value_to_json(*v), j);
  EXPECT_EQ(value_to_json(*v).dump(), R"({"__binary__":true,"data":"Zm9vYmFy"})");
}

TEST(BinaryFormTest, EmptyBinaryRoundTrips) {
  auto v = value_from_json(J(R"({"__binary__":true,"data":""})"));
  RM_ASSERT_OK(v);
  ASSERT_NE(v->binary(), nullptr);
  EXPECT_EQ(v->binary()->data.size(), 0u);
  EXPECT_EQ(value_to_json(*v).dump(), R"({"__binary__":true,"data":""})");
}

TEST(BinaryFormTest, FailsOnMissingOrInvalidData) {
  auto missing = value_from_json(J(R"({"__binary__":true})"));
  RM_ASSERT_ERROR(missing);
  EXPECT_EQ(missing.error().code, "invalid_binary_form");
  auto wrong_type = value_from_json(J(R"({"__binary__":true,"data":[1,2]})"));
  RM_ASSERT_ERROR(wrong_type);
  EXPECT_EQ(wrong_type.error().code, "invalid_binary_form");
  auto bad = value_from_json(J(R"({"__binary__":true,"data":"Zm9v!"})"));
  RM_ASSERT_ERROR(bad);
  EXPECT_EQ(bad.error().code, "invalid_base64");
}

TEST(ValueTest, PlainJsonPassesThroughUnchanged) {
  for (const char* text : {
           "null", "true", "42", "4.0", R"("text")", "[1,[2,{}]]", R"({"a":1,"b":[1,2]})",
           R"({"__numpy__":false,"array":1})",        // the tag must be true
           R"({"__audio__":"yes"})",                  // ... and a boolean
           R"({"numpy":true,"data":"Zm9v"})",         // not a tag at all
           R"([{"__binary__":true,"data":"Zm9v"}])",  // only top-level items are converted
       }) {
    Json j = J(text);
    auto v = value_from_json(j);
    RM_ASSERT_OK(v) << text;
    ASSERT_TRUE(v->is_json()) << text;
    EXPECT_EQ(v->json(), j) << text;
    EXPECT_EQ(value_to_json(*v).dump(), text);
  }
}

TEST(ValueTest, TextBecomesAJsonString) { EXPECT_EQ(value_to_json(Value(Text{"hello"})), Json("hello")); }

TEST(ValueTest, KindNames) {
  EXPECT_STREQ(kind_name(Value(Json(1)).kind()), "json");
  EXPECT_STREQ(kind_name(Value(Text{"x"}).kind()), "text");
  EXPECT_STREQ(kind_name(Value(Binary{}).kind()), "binary");
  EXPECT_STREQ(kind_name(Value(Audio{}).kind()), "audio");
  EXPECT_STREQ(kind_name(Value(Tensor{}).kind()), "tensor");
}

TEST(ValueTest, DtypeNamesAndSizes) {
  for (const char* name : {"bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float16",
                           "float32", "float64"}) {
    auto d = parse_dtype(name);
    RM_ASSERT_OK(d) << name;
    EXPECT_STREQ(dtype_name(*d), name);
  }
  EXPECT_EQ(dtype_size(DType::Bool), 1u);
  EXPECT_EQ(dtype_size(DType::Float16), 2u);
  EXPECT_EQ(dtype_size(DType::UInt32), 4u);
  EXPECT_EQ(dtype_size(DType::Float64), 8u);
  auto bad = parse_dtype("float128");
  RM_ASSERT_ERROR(bad);
  EXPECT_EQ(bad.error().code, "unsupported_dtype");
}

}  // namespace
}  // namespace rm
