// Size arithmetic that cannot wrap. size_t is 32 bits in wasm32: a length or count read from a
// file or a JSON document (up to 2^32 - 1, or 2^63) must be checked before it is added,
// multiplied or narrowed, or the WASI build computes something else than the native one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>

namespace rm {

// `v` as a size_t, or nothing when it is negative or does not fit (wasm32: above 2^32 - 1).
template <class T>
std::optional<std::size_t> to_size(T v) {
  if (v < 0) return std::nullopt;
  if (static_cast<std::uint64_t>(v) > std::numeric_limits<std::size_t>::max()) return std::nullopt;
  return static_cast<std::size_t>(v);
}

inline std::optional<std::size_t> checked_add(std::size_t a, std::size_t b) {
  std::size_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

inline std::optional<std::size_t> checked_mul(std::size_t a, std::size_t b) {
  std::size_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Does a range of `length` bytes at `offset` lie within `total` bytes? (offset + length never
// computed, so it cannot wrap.)
inline bool range_fits(std::uint64_t offset, std::uint64_t length, std::uint64_t total) {
  return offset <= total && length <= total - offset;
}

}  // namespace rm
