// Size arithmetic that cannot wrap. size_t is 32 bits in wasm32: a length read from a file (up to
// 2^32 - 1) must be compared, not added, or the WASI build computes something else than the
// native one (a chunk size of 0xFFFFFFF8 plus its offset wraps to just before the offset).
#pragma once

#include <cstdint>

namespace rm {

// Does a range of `length` bytes at `offset` lie within `total` bytes? (offset + length is never
// computed, so it cannot wrap.)
inline bool range_fits(std::uint64_t offset, std::uint64_t length, std::uint64_t total) {
  return offset <= total && length <= total - offset;
}

}  // namespace rm
