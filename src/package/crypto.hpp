// The few cryptographic primitives a package needs, from libsodium (Debian's libsodium-dev):
// SHA-256 for file digests, Ed25519 for signatures, BLAKE2b for minisign's key checksum.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace rm::pkg {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView bytes_of(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// Must succeed once before anything else here is used.
Result<> crypto_init();

class Sha256 {
 public:
  Sha256();
  void update(ByteView data);
  std::string hex_digest();  // lower-case hex; ends the hash

 private:
  alignas(16) std::array<std::uint8_t, 128> state_;  // crypto_hash_sha256_state, kept opaque
};
std::string sha256_hex(ByteView data);

struct Ed25519Keys {
  std::array<std::uint8_t, 32> public_key;
  std::array<std::uint8_t, 64> secret_key;  // libsodium's seed || public key form
};
Ed25519Keys ed25519_generate();
std::array<std::uint8_t, 64> ed25519_sign(ByteView message, const std::array<std::uint8_t, 64>& secret_key);
bool ed25519_verify(const std::array<std::uint8_t, 64>& signature, ByteView message,
                    const std::array<std::uint8_t, 32>& public_key);

std::array<std::uint8_t, 32> blake2b_256(ByteView data);
void random_bytes(std::span<std::uint8_t> out);

std::string base64_encode(ByteView data);
// Strict standard base64 (with padding); nullopt-like error on anything else.
Result<Bytes> base64_decode(std::string_view text);

}  // namespace rm::pkg
