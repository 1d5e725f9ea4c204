// Keys and signatures in minisign's formats, so that Debian's `minisign -V` (and anything else
// that speaks minisign) can check a package's signature. Signatures use minisign's non-prehashed
// Ed25519 mode ("Ed"): the message is the package's digest list, which is small, and WebCrypto's
// Ed25519 can verify it in the browser without extra hashing. Secret keys are written
// unencrypted (as `minisign -G -W` does); keep them private.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "package/crypto.hpp"

namespace rm::pkg {

struct PublicKey {
  std::array<std::uint8_t, 8> key_id{};
  std::array<std::uint8_t, 32> key{};
  std::string id_hex() const;  // as minisign prints it: 16 upper-case hex digits
  bool operator==(const PublicKey&) const = default;
};

struct SecretKey {
  std::array<std::uint8_t, 8> key_id{};
  std::array<std::uint8_t, 64> key{};
  PublicKey public_key() const;
};

SecretKey generate_secret_key();

std::string format_public_key(const PublicKey& key);  // the two-line .pub file
std::string format_secret_key(const SecretKey& key);  // the two-line unencrypted .key file
// A .pub file's text, or just its base64 line.
Result<PublicKey> parse_public_key(std::string_view text);
Result<SecretKey> parse_secret_key(std::string_view text);

struct Signature {
  std::array<std::uint8_t, 8> key_id{};
  std::array<std::uint8_t, 64> signature{};
  std::string trusted_comment;
  std::array<std::uint8_t, 64> global_signature{};
  std::string key_id_hex() const;
};

// The four-line .sig file over `message`.
std::string sign_message(const SecretKey& key, ByteView message, const std::string& trusted_comment);
// The .sig file as sign_message writes it. A package's signature file must be exactly this: the
// untrusted comment and line endings are not signed, so only one spelling is accepted.
std::string format_signature(const Signature& signature);
Result<Signature> parse_signature(std::string_view text);
// Checks the signature and its trusted comment against `key`; errors say which part failed.
Result<> verify_message(const PublicKey& key, const Signature& signature, ByteView message);

}  // namespace rm::pkg
