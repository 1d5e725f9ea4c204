#include "package/minisign.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <vector>

namespace rm::pkg {
namespace {

constexpr std::uint8_t kSigAlg[2] = {'E', 'd'};  // non-prehashed Ed25519
constexpr std::uint8_t kChkAlg[2] = {'B', '2'};  // BLAKE2b key checksum

std::unexpected<Error> bad(std::string code, std::string message) {
  return fail(ErrorKind::InvalidInput, std::move(code), std::move(message));
}

std::string id_hex(const std::array<std::uint8_t, 8>& id) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | id[i];  // minisign prints the little-endian number
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIX64, v);
  return buf;
}

// The lines of a minisign file, without "\r" and with trailing blank lines dropped.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The base64 payload of a key file: its second line, or the whole text when it is just that line.
Result<Bytes> key_payload(std::string_view text, const char* what, std::size_t size) {
  auto lines = lines_of(text);
  std::string_view b64;
  if (lines.size() == 1)
    b64 = lines[0];
  else if (lines.size() == 2 && lines[0].starts_with("untrusted comment:"))
    b64 = lines[1];
  else
    return bad("bad_key", std::string("not a minisign ") + what + " (expected a comment line and a base64 line)");
  auto bytes = base64_decode(b64);
  if (!bytes || bytes->size() != size || std::memcmp(bytes->data(), kSigAlg, 2) != 0)
    return bad("bad_key", std::string("not a minisign Ed25519 ") + what);
  return bytes;
}

}  // namespace

std::string PublicKey::id_hex() const { return pkg::id_hex(key_id); }
std::string Signature::key_id_hex() const { return pkg::id_hex(key_id); }

PublicKey SecretKey::public_key() const {
  PublicKey p;
  p.key_id = key_id;
  std::memcpy(p.key.data(), key.data() + 32, 32);  // libsodium's secret key ends with the public key
  return p;
}

SecretKey generate_secret_key() {
  auto keys = ed25519_generate();
  SecretKey k;
  random_bytes(k.key_id);
  k.key = keys.secret_key;
  return k;
}

std::string format_public_key(const PublicKey& key) {
  Bytes b(kSigAlg, kSigAlg + 2);
  b.insert(b.end(), key.key_id.begin(), key.key_id.end());
  b.insert(b.end(), key.key.begin(), key.key.end());
  return "untrusted comment: minisign public key " + key.id_hex() + "\n" + base64_encode(b) + "\n";
}

// minisign's secret key layout: sig_alg, kdf_alg (none: zeros), chk_alg, kdf salt, opslimit,
// memlimit, then key id, secret key and a BLAKE2b checksum of sig_alg || key id || secret key.
constexpr std::size_t kSecretKeySize = 2 + 2 + 2 + 32 + 8 + 8 + 8 + 64 + 32;

static std::array<std::uint8_t, 32> secret_key_checksum(const SecretKey& key) {
  Bytes c(kSigAlg, kSigAlg + 2);
  c.insert(c.end(), key.key_id.begin(), key.key_id.end());
  c.insert(c.end(), key.key.begin(), key.key.end());
  return blake2b_256(c);
}

std::string format_secret_key(const SecretKey& key) {
  Bytes b(kSigAlg, kSigAlg + 2);
  b.insert(b.end(), {0, 0});
  b.insert(b.end(), kChkAlg, kChkAlg + 2);
  b.insert(b.end(), 32 + 8 + 8, 0);
  b.insert(b.end(), key.key_id.begin(), key.key_id.end());
  b.insert(b.end(), key.key.begin(), key.key.end());
  auto chk = secret_key_checksum(key);
  b.insert(b.end(), chk.begin(), chk.end());
  return "untrusted comment: remotemedia secret key (unencrypted: keep it private)\n" + base64_encode(b) + "\n";
}

Result<PublicKey> parse_public_key(std::string_view text) {
  RM_TRY(b, key_payload(text, "public key", 2 + 8 + 32));
  PublicKey k;
  std::memcpy(k.key_id.data(), b.data() + 2, 8);
  std::memcpy(k.key.data(), b.data() + 10, 32);
  return k;
}

Result<SecretKey> parse_secret_key(std::string_view text) {
  RM_TRY(b, key_payload(text, "secret key", kSecretKeySize));
  if (b[2] != 0 || b[3] != 0)
    return bad("encrypted_key",
               "the secret key is password-protected; remotemedia needs an unencrypted key "
               "(remotemedia keygen, or minisign -G -W)");
  if (std::memcmp(b.data() + 4, kChkAlg, 2) != 0) return bad("bad_key", "unknown checksum algorithm in the secret key");
  SecretKey k;
  const std::uint8_t* p = b.data() + 2 + 2 + 2 + 32 + 8 + 8;
  std::memcpy(k.key_id.data(), p, 8);
  std::memcpy(k.key.data(), p + 8, 64);
  // `minisign -G -W` leaves the checksum of an unencrypted key zeroed; ours carry a real one.
  static constexpr std::uint8_t kNoChecksum[32] = {};
  if (std::memcmp(p + 72, kNoChecksum, 32) != 0 && std::memcmp(secret_key_checksum(k).data(), p + 72, 32) != 0)
    return bad("bad_key", "the secret key's checksum does not match (damaged key file)");
  return k;
}

std::string sign_message(const SecretKey& key, ByteView message, const std::string& trusted_comment) {
  Signature s;
  s.key_id = key.key_id;
  s.signature = ed25519_sign(message, key.key);
  s.trusted_comment = trusted_comment;
  Bytes global(s.signature.begin(), s.signature.end());
  global.insert(global.end(), trusted_comment.begin(), trusted_comment.end());
  s.global_signature = ed25519_sign(global, key.key);
  return format_signature(s);
}

std::string format_signature(const Signature& s) {
  Bytes line(kSigAlg, kSigAlg + 2);
  line.insert(line.end(), s.key_id.begin(), s.key_id.end());
  line.insert(line.end(), s.signature.begin(), s.signature.end());
  return "untrusted comment: signature from remotemedia secret key " + s.key_id_hex() + "\n" + base64_encode(line) +
         "\ntrusted comment: " + s.trusted_comment + "\n" + base64_encode(s.global_signature) + "\n";
}

Result<Signature> parse_signature(std::string_view text) {
  auto lines = lines_of(text);
  constexpr std::string_view kTrusted = "trusted comment: ";
  if (lines.size() != 4 || !lines[0].starts_with("untrusted comment:") || !lines[2].starts_with(kTrusted))
    return bad("bad_signature", "the signature file is not in minisign's format");
  auto main = base64_decode(lines[1]);
  if (!main || main->size() != 2 + 8 + 64) return bad("bad_signature", "the signature line is damaged");
  if ((*main)[0] == 'E' && (*main)[1] == 'D')
    return bad("bad_signature", "the signature is prehashed (minisign's default); packages use the non-prehashed mode");
  if (std::memcmp(main->data(), kSigAlg, 2) != 0) return bad("bad_signature", "unknown signature algorithm");
  auto global = base64_decode(lines[3]);
  if (!global || global->size() != 64) return bad("bad_signature", "the trusted comment's signature line is damaged");
  Signature s;
  std::memcpy(s.key_id.data(), main->data() + 2, 8);
  std::memcpy(s.signature.data(), main->data() + 10, 64);
  s.trusted_comment = std::string(lines[2].substr(kTrusted.size()));
  std::memcpy(s.global_signature.data(), global->data(), 64);
  return s;
}

Result<> verify_message(const PublicKey& key, const Signature& signature, ByteView message) {
  if (signature.key_id != key.key_id)
    return bad("wrong_key", "signed by key " + signature.key_id_hex() + ", not by key " + key.id_hex());
  if (!ed25519_verify(signature.signature, message, key.key))
    return bad("bad_signature", "the signature does not match the package contents (modified after signing?)");
  Bytes global(signature.signature.begin(), signature.signature.end());
  global.insert(global.end(), signature.trusted_comment.begin(), signature.trusted_comment.end());
  if (!ed25519_verify(signature.global_signature, global, key.key))
    return bad("bad_signature", "the signature's trusted comment was modified");
  return {};
}

}  // namespace rm::pkg
