// .rmpkg packages: a manifest with everything it needs to run under WASI (the module, Python's
// stdlib, the pipeline's Python files, models), provenance, and an optional minisign signature
// over the list of file digests. Layout and rules: docs/packages.md.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "package/minisign.hpp"
#include "package/zip.hpp"

namespace rm::pkg {

struct PackOptions {
  std::string manifest_path;        // the manifest file, or
  std::string manifest_json;        // its text, with
  std::string base_dir = ".";       // the folder its relative paths start from
  std::vector<std::string> models;  // extra files for models/ (--model)
  std::string python_dir;           // a folder of Python modules for python/ (--python-dir)
  std::string secret_key_path;      // sign with this key (--sign); unsigned when empty
  std::string wasm_dir;             // where the WASI modules are (--wasm-dir); see find_wasm_module
  std::string output_path;
};

struct PackSummary {
  std::string output_path;
  std::string name;
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  std::string signer;  // key id, empty when unsigned
  std::vector<std::string> features;
  Json to_json() const;
};

Result<PackSummary> pack(const PackOptions& options);

struct Package;

struct VerifyOptions {
  std::vector<PublicKey> trusted_keys;
  ZipLimits limits;
  // The caller's trust policy, asked as soon as the signature is checked (trust and signer set),
  // before the provenance and the manifest are parsed: what it refuses is never parsed.
  std::function<Result<>(const Package&)> accept;
};

enum class Trust { Unsigned, Untrusted, Trusted };  // Untrusted: a valid signature by a key not given as trusted

struct Package {
  std::string path;
  ZipReader zip;
  std::map<std::string, std::string> digests;  // every entry's sha256, by name
  Json manifest;
  Json provenance;
  Trust trust = Trust::Unsigned;
  std::string signer;     // key id
  Json describe() const;  // for `inspect` and `verify --json`
};

// Reads and checks a package: container, digests against the provenance, the signature when
// there is one (a bad one is always an error), and files the manifest refers to. A signature by a
// key outside `trusted_keys` is reported as Trust::Untrusted, not as an error.
Result<Package> open_package(const std::string& path, const VerifyOptions& options);
// The same, over bytes in memory (which must outlive the Package); `label` names it in errors.
Result<Package> open_package_bytes(ByteView bytes, const std::string& label, const VerifyOptions& options);

// `remotemedia inspect`'s text: what describe() holds, for a terminal (control characters escaped).
std::string inspection_text(const Package& package);

// The canonical list of file digests that a signature covers: "<sha256>  <name>\n" per entry
// (sha256sum's format), sorted by name, over every entry but meta/signature.sig.
std::string digest_list(const std::map<std::string, std::string>& digests);

// Writes every entry under `dir` (which must exist and be empty), creating nothing outside it.
Result<> extract_package(const Package& package, const std::string& dir);

}  // namespace rm::pkg
