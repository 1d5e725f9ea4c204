// libFuzzer target for everything that reads untrusted package bytes: the zip reader, the
// package checks (digests, provenance, signature, manifest), `inspect`'s text and the minisign
// parsers. Built with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, which skips the CRC and digest
// comparisons so that mutated inputs reach the code behind them.
// Built by the `fuzz` preset (clang-16, libc++, ASan + UBSan); tests/fuzz/run.sh runs it briefly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "package/package.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ready = rm::pkg::crypto_init().has_value();
  if (!ready) return 0;
  rm::pkg::VerifyOptions options;
  options.limits.max_total_size = 1 << 20;
  if (auto package = rm::pkg::open_package_bytes({data, size}, "fuzz", options)) {
    (void)package->describe().dump();
    (void)rm::pkg::inspection_text(*package);
    for (const auto& entry : package->zip.entries()) (void)package->zip.read_all(entry);
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)rm::pkg::parse_public_key(text);
  (void)rm::pkg::parse_secret_key(text);
  (void)rm::pkg::parse_signature(text);
  return 0;
}
