#include "core/value.hpp"

#include <algorithm>
#include <cstring>

namespace rm {

Blob Blob::from_vector(std::vector<std::byte> bytes) {
  auto owner = std::make_shared<const std::vector<std::byte>>(std::move(bytes));
  return Blob(owner->data(), owner->size(), owner);
}

Blob Blob::copy_of(const void* data, std::size_t size) {
  std::vector<std::byte> bytes(size);
  if (size) std::memcpy(bytes.data(), data, size);
  return from_vector(std::move(bytes));
}

bool operator==(const Blob& a, const Blob& b) {
  return a.size_ == b.size_ && (a.data_ == b.data_ || std::memcmp(a.data_, b.data_, a.size_) == 0);
}

Audio Audio::from_samples(std::vector<float> samples, int sample_rate, int channels) {
  auto owner = std::make_shared<const std::vector<float>>(std::move(samples));
  Audio a;
  a.samples = Blob(reinterpret_cast<const std::byte*>(owner->data()), owner->size() * sizeof(float), owner);
  a.sample_rate = sample_rate;
  a.channels = channels;
  return a;
}

namespace {
struct DTypeInfo {
  DType dtype;
  const char* name;
  std::size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::Bool, "bool", 1},       {DType::Int8, "int8", 1},       {DType::UInt8, "uint8", 1},
    {DType::Int16, "int16", 2},     {DType::UInt16, "uint16", 2},   {DType::Int32, "int32", 4},
    {DType::UInt32, "uint32", 4},   {DType::Int64, "int64", 8},     {DType::UInt64, "uint64", 8},
    {DType::Float16, "float16", 2}, {DType::Float32, "float32", 4}, {DType::Float64, "float64", 8},
};
}  // namespace

const char* dtype_name(DType d) { return kDTypes[static_cast<int>(d)].name; }
std::size_t dtype_size(DType d) { return kDTypes[static_cast<int>(d)].size; }

Result<DType> parse_dtype(std::string_view name) {
  for (const auto& info : kDTypes)
    if (name == info.name) return info.dtype;
  return fail(ErrorKind::InvalidInput, "unsupported_dtype",
              "unsupported dtype \"" + std::string(name) +
                  "\" (expected bool, int8..int64, uint8..uint64, float16, float32 or float64)");
}

std::size_t Tensor::element_count() const {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::Json: return "json";
    case Value::Kind::Text: return "text";
    case Value::Kind::Binary: return "binary";
    case Value::Kind::Audio: return "audio";
    case Value::Kind::Tensor: return "tensor";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// base64 (RFC 4648, with padding)

static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::span<const std::byte> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  if (std::size_t rest = bytes.size() - i) {
    unsigned v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kB64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::vector<std::byte>> base64_decode(std::string_view text) {
  auto bad = [] { return fail(ErrorKind::InvalidInput, "invalid_base64", "data is not valid base64"); };
  if (text.size() % 4 != 0) return bad();
  std::vector<std::byte> out;
  out.reserve(text.size() / 4 * 3);
  auto decode = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int pad = 0;
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + static_cast<std::size_t>(k)];
      int d;
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        ++pad;
        d = 0;
      } else {
        if (pad) return bad();
        d = decode(c);
        if (d < 0) return bad();
      }
      v = v << 6 | static_cast<unsigned>(d);
    }
    out.push_back(static_cast<std::byte>(v >> 16));
    if (pad < 2) out.push_back(static_cast<std::byte>((v >> 8) & 255));
    if (pad < 1) out.push_back(static_cast<std::byte>(v & 255));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON edges

namespace {

std::unexpected<Error> bad_form(const std::string& form, const std::string& what) {
  return fail(ErrorKind::InvalidInput, "invalid_" + form.substr(2, form.size() - 4) + "_form",
              "invalid " + form + " item: " + what);
}

Result<const Json*> member(const Json& obj, std::string_view key, Json::Kind kind, const std::string& form) {
  const Json* v = obj.find(key);
  if (!v) return bad_form(form, "missing \"" + std::string(key) + "\"");
  bool ok = v->kind() == kind || (kind == Json::Kind::Float && v->is_int());
  if (!ok)
    return bad_form(form, "\"" + std::string(key) + "\" must be " + kind_name(kind) + ", got " + kind_name(v->kind()));
  return v;
}

// Reorders Fortran-order (column-major) bytes into C order.
std::vector<std::byte> fortran_to_c(const std::vector<std::byte>& src, const std::vector<std::int64_t>& shape,
                                    std::size_t item) {
  std::size_t n = src.size() / item;
  std::vector<std::byte> dst(src.size());
  std::vector<std::int64_t> index(shape.size(), 0);
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t f = 0, stride = 1;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      f += static_cast<std::size_t>(index[d]) * stride;
      stride *= static_cast<std::size_t>(shape[d]);
    }
    std::memcpy(dst.data() + c * item, src.data() + f * item, item);
    for (std::size_t d = shape.size(); d-- > 0;) {  // advance the C-order multi-index
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return dst;
}

Result<Value> numpy_from_json(const Json& j) {
  const std::string form = "__numpy__";
  RM_TRY(array, member(j, "array", Json::Kind::Object, form));
  RM_TRY(meta, member(*array, "meta", Json::Kind::Object, form));
  RM_TRY(data, member(*array, "data", Json::Kind::String, form));
  RM_TRY(dtype_json, member(*meta, "dtype", Json::Kind::String, form));
  RM_TRY(shape_json, member(*meta, "shape", Json::Kind::Array, form));
  RM_TRY(dtype, parse_dtype(dtype_json->as_string()));
  Tensor t;
  t.dtype = dtype;
  for (const auto& d : shape_json->as_array()) {
    if (!d.is_int() || d.as_int() < 0) return bad_form(form, "\"shape\" must hold non-negative integers");
    t.shape.push_back(d.as_int());
  }
  // Counted in 64 bits on every target, checked: a shape whose element count wraps around (in
  // wasm32's 32-bit size_t, 2^32 + 1 is 1) would "match" too little data.
  std::uint64_t count = 1, byte_count = 0;
  bool too_large = false;
  for (auto d : t.shape) too_large |= __builtin_mul_overflow(count, static_cast<std::uint64_t>(d), &count);
  too_large |= __builtin_mul_overflow(count, static_cast<std::uint64_t>(dtype_size(dtype)), &byte_count);
  const bool empty = std::find(t.shape.begin(), t.shape.end(), 0) != t.shape.end();  // then count is 0
  if (too_large && !empty) return bad_form(form, "\"shape\" holds more elements than memory can");
  if (empty) count = byte_count = 0;
  if (const Json* size = meta->find("size");
      size && (!size->is_int() || static_cast<std::uint64_t>(size->as_int()) != count))
    return bad_form(form, "\"size\" does not match the shape");
  RM_TRY(bytes, base64_decode(data->as_string()));
  if (static_cast<std::uint64_t>(bytes.size()) != byte_count)
    return bad_form(form, "data holds " + std::to_string(bytes.size()) + " bytes, shape and dtype need " +
                              std::to_string(byte_count));
  auto flag = [&](const char* key, bool fallback) {
    const Json* f = meta->find(key);
    return f && f->is_bool() ? f->as_bool() : fallback;
  };
  bool c_order = flag("c_contiguous", true);
  bool f_order = flag("f_contiguous", false);
  if (!c_order && !f_order) return bad_form(form, "non-contiguous arrays are not supported");
  if (!c_order) bytes = fortran_to_c(bytes, t.shape, dtype_size(dtype));
  t.data = Blob::from_vector(std::move(bytes));
  return Value(std::move(t));
}

Result<Value> audio_from_json(const Json& j) {
  const std::string form = "__audio__";
  RM_TRY(audio, member(j, "audio", Json::Kind::Object, form));
  RM_TRY(meta, member(*audio, "meta", Json::Kind::Object, form));
  RM_TRY(data, member(*audio, "data", Json::Kind::String, form));
  RM_TRY(rate, member(*meta, "sample_rate", Json::Kind::Int, form));
  RM_TRY(channels, member(*meta, "channels", Json::Kind::Int, form));
  if (const Json* dt = meta->find("dtype"); dt && !(dt->is_string() && dt->as_string() == "float32"))
    return bad_form(form, "\"dtype\" must be \"float32\"");
  if (rate->as_int() <= 0 || rate->as_int() > 1'000'000) return bad_form(form, "\"sample_rate\" must be 1..1000000");
  if (channels->as_int() <= 0 || channels->as_int() > 64) return bad_form(form, "\"channels\" must be 1..64");
  RM_TRY(bytes, base64_decode(data->as_string()));
  std::size_t frame_bytes = sizeof(float) * static_cast<std::size_t>(channels->as_int());
  if (bytes.size() % frame_bytes != 0) return bad_form(form, "data is not a whole number of float32 frames");
  if (const Json* frames = meta->find("frames");
      frames && (!frames->is_int() || static_cast<std::uint64_t>(frames->as_int()) != bytes.size() / frame_bytes))
    return bad_form(form, "\"frames\" does not match the data");
  Audio a;
  a.samples = Blob::from_vector(std::move(bytes));
  a.sample_rate = static_cast<int>(rate->as_int());
  a.channels = static_cast<int>(channels->as_int());
  return Value(std::move(a));
}

bool tagged(const Json& j, std::string_view tag) {
  const Json* t = j.find(tag);
  return t && t->is_bool() && t->as_bool();
}

}  // namespace

Result<Value> value_from_json(Json j) {
  if (j.is_object()) {
    if (tagged(j, "__numpy__")) return numpy_from_json(j);
    if (tagged(j, "__audio__")) return audio_from_json(j);
    if (tagged(j, "__binary__")) {
      RM_TRY(data, member(j, "data", Json::Kind::String, "__binary__"));
      RM_TRY(bytes, base64_decode(data->as_string()));
      return Value(Binary{Blob::from_vector(std::move(bytes))});
    }
  }
  return Value(std::move(j));
}

Json value_to_json(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Json: return v.json();
    case Value::Kind::Text: return Json(v.text()->text);
    case Value::Kind::Binary: {
      Json out = Json::object();
      out.set("__binary__", true);
      out.set("data", base64_encode(v.binary()->data.bytes()));
      return out;
    }
    case Value::Kind::Audio: {
      const Audio& a = *v.audio();
      Json meta = Json::object();
      meta.set("dtype", "float32");
      meta.set("sample_rate", a.sample_rate);
      meta.set("channels", a.channels);
      meta.set("frames", static_cast<long long>(a.frames()));
      Json body = Json::object();
      body.set("meta", std::move(meta));
      body.set("data", base64_encode(a.samples.bytes()));
      Json out = Json::object();
      out.set("__audio__", true);
      out.set("audio", std::move(body));
      return out;
    }
    case Value::Kind::Tensor: {
      const Tensor& t = *v.tensor();
      Json shape = Json::array();
      std::size_t wide_dims = 0;
      for (auto d : t.shape) {
        shape.push_back(static_cast<long long>(d));
        if (d != 1) ++wide_dims;
      }
      std::size_t count = t.element_count();
      Json meta = Json::object();
      meta.set("dtype", dtype_name(t.dtype));
      meta.set("shape", std::move(shape));
      meta.set("size", static_cast<long long>(count));
      meta.set("c_contiguous", true);
      meta.set("f_contiguous", count == 0 || wide_dims <= 1);  // numpy's rule for C-ordered data
      Json array = Json::object();
      array.set("meta", std::move(meta));
      array.set("data", base64_encode(t.data.bytes()));
      Json out = Json::object();
      out.set("__numpy__", true);
      out.set("array", std::move(array));
      return out;
    }
  }
  return Json();
}

}  // namespace rm
