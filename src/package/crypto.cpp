#include "package/crypto.hpp"

#include <sodium.h>

#include <cstring>

namespace rm::pkg {

static_assert(sizeof(crypto_hash_sha256_state) <= 128);

Result<> crypto_init() {
  if (sodium_init() < 0) return fail(ErrorKind::Internal, "crypto_init", "libsodium could not be initialised");
  return {};
}

Sha256::Sha256() { crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_.data())); }

void Sha256::update(ByteView data) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_.data()), data.data(), data.size());
}

std::string Sha256::hex_digest() {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_.data()), digest);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string sha256_hex(ByteView data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

Ed25519Keys ed25519_generate() {
  Ed25519Keys k;
  crypto_sign_keypair(k.public_key.data(), k.secret_key.data());
  return k;
}

std::array<std::uint8_t, 64> ed25519_sign(ByteView message, const std::array<std::uint8_t, 64>& secret_key) {
  std::array<std::uint8_t, 64> sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key.data());
  return sig;
}

bool ed25519_verify(const std::array<std::uint8_t, 64>& signature, ByteView message,
                    const std::array<std::uint8_t, 32>& public_key) {
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.data()) == 0;
}

std::array<std::uint8_t, 32> blake2b_256(ByteView data) {
  std::array<std::uint8_t, 32> out;
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return out;
}

void random_bytes(std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); }

std::string base64_encode(ByteView data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<Bytes> base64_decode(std::string_view text) {
  Bytes out(text.size() / 4 * 3 + 3);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return fail(ErrorKind::InvalidInput, "bad_base64", "not valid base64");
  out.resize(len);
  return out;
}

}  // namespace rm::pkg
