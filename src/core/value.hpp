// The items that flow between nodes, and how each one crosses a JSON edge (docs/data.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"

namespace rm {

// Immutable shared bytes. The owner keeps the memory alive, so a buffer can be lent to or
// borrowed from another runtime (numpy, a wasm host) without copying.
class Blob {
 public:
  Blob() = default;
  Blob(const std::byte* data, std::size_t size, std::shared_ptr<const void> owner)
      : data_(data), size_(size), owner_(std::move(owner)) {}
  static Blob from_vector(std::vector<std::byte> bytes);
  static Blob copy_of(const void* data, std::size_t size);

  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::span<const std::byte> bytes() const { return {data_, size_}; }
  friend bool operator==(const Blob& a, const Blob& b);

 private:
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  std::shared_ptr<const void> owner_;
};

struct Text {
  std::string text;
  friend bool operator==(const Text&, const Text&) = default;
};

struct Binary {
  Blob data;
  friend bool operator==(const Binary&, const Binary&) = default;
};

// Interleaved float32 samples: frame f, channel c is at index f * channels + c.
struct Audio {
  Blob samples;  // little-endian float32
  int sample_rate = 0;
  int channels = 1;
  std::size_t frames() const {
    return channels > 0 ? samples.size() / sizeof(float) / static_cast<std::size_t>(channels) : 0;
  }
  std::span<const float> view() const {
    return {reinterpret_cast<const float*>(samples.data()), samples.size() / sizeof(float)};
  }
  static Audio from_samples(std::vector<float> samples, int sample_rate, int channels);
  friend bool operator==(const Audio&, const Audio&) = default;
};

enum class DType : std::uint8_t {
  Bool,
  Int8,
  UInt8,
  Int16,
  UInt16,
  Int32,
  UInt32,
  Int64,
  UInt64,
  Float16,
  Float32,
  Float64
};
const char* dtype_name(DType d);
std::size_t dtype_size(DType d);
Result<DType> parse_dtype(std::string_view name);

// A dense C-contiguous (row-major) array.
struct Tensor {
  DType dtype = DType::Float32;
  std::vector<std::int64_t> shape;
  Blob data;
  std::size_t element_count() const;
  friend bool operator==(const Tensor&, const Tensor&) = default;
};

// A JSON value inline, or an immutable shared payload (text, binary, audio, tensor). Not a
// std::variant: moving and destroying the JSON items that dominate pipelines is then a few plain
// instructions (libc++'s variant dispatches through function tables, indirect calls in wasm),
// and copying a payload for fan-out only bumps a reference count.
class Value {
 public:
  enum class Kind : std::uint8_t { Json, Text, Binary, Audio, Tensor };
  Value() = default;
  Value(rm::Json j) : json_(std::move(j)) {}
  Value(rm::Text t) : kind_(Kind::Text), payload_(std::make_shared<const Payload>(std::move(t))) {}
  Value(rm::Binary b) : kind_(Kind::Binary), payload_(std::make_shared<const Payload>(std::move(b))) {}
  Value(rm::Audio a) : kind_(Kind::Audio), payload_(std::make_shared<const Payload>(std::move(a))) {}
  Value(rm::Tensor t) : kind_(Kind::Tensor), payload_(std::make_shared<const Payload>(std::move(t))) {}

  Kind kind() const { return kind_; }
  bool is_json() const { return kind_ == Kind::Json; }
  // JSON items only (check is_json first).
  const rm::Json& json() const { return json_; }
  rm::Json& json() { return json_; }
  const rm::Audio* audio() const { return get<rm::Audio>(); }
  const rm::Tensor* tensor() const { return get<rm::Tensor>(); }
  const rm::Text* text() const { return get<rm::Text>(); }
  const rm::Binary* binary() const { return get<rm::Binary>(); }
  friend bool operator==(const Value& a, const Value& b) {
    if (a.kind_ != b.kind_) return false;
    return a.kind_ == Kind::Json ? a.json_ == b.json_ : *a.payload_ == *b.payload_;
  }

 private:
  using Payload = std::variant<rm::Text, rm::Binary, rm::Audio, rm::Tensor>;
  template <class T>
  const T* get() const {
    return payload_ ? std::get_if<T>(payload_.get()) : nullptr;
  }
  Kind kind_ = Kind::Json;
  rm::Json json_;
  std::shared_ptr<const Payload> payload_;
};

const char* kind_name(Value::Kind kind);

// JSON edge conversions. An input item that is an object tagged "__numpy__", "__audio__" or
// "__binary__" becomes a tensor, audio or binary value; every other item stays JSON.
Result<Value> value_from_json(Json j);
Json value_to_json(const Value& v);

std::string base64_encode(std::span<const std::byte> bytes);
Result<std::vector<std::byte>> base64_decode(std::string_view text);

}  // namespace rm
