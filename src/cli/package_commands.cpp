// keygen, pack, verify, inspect, and `run PACKAGE.rmpkg`: the CLI side of src/package/.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "cli/remove_on_signal.hpp"
#include "core/files.hpp"
#include "core/path.hpp"
#include "package/output_file.hpp"
#include "package/package.hpp"

namespace rm {
namespace {

constexpr const char* kKeygenHelp = R"(Usage: remotemedia keygen [-o PREFIX] [--force]

Makes an Ed25519 signing key pair in minisign's formats: PREFIX.key (secret, unencrypted, mode
0600: keep it private) and PREFIX.pub (public: give it to whoever runs your packages). PREFIX
defaults to "remotemedia". Existing files are kept unless --force is given.
)";

constexpr const char* kPackHelp = R"(Usage: remotemedia pack MANIFEST [options]

Bundles the pipeline in MANIFEST into one .rmpkg file: the manifest (with a runtime block), the
WASI module it needs (the Python/Whisper one when the pipeline uses them), Python's stdlib, the
pipeline's Python files (its python.paths), files its nodes refer to (models), provenance, and a
signature with --sign. The manifest is validated first. Setting SOURCE_DATE_EPOCH makes the
package byte-for-byte reproducible.

Options:
  -o, --output F        the package to write (default: MANIFEST's name with .rmpkg, here)
  --sign KEY            sign with this secret key (from `remotemedia keygen`)
  --model F             add a file under models/ (repeatable)
  --python-dir D        add the Python modules in D under python/
  --wasm-dir D          where remotemedia.wasm / remotemedia-python.wasm are (default:
                        $REMOTEMEDIA_WASM_DIR, else the build tree next to this program)
  --error-format FMT    text (default) or json
  -h, --help            show this help
)";

constexpr const char* kVerifyHelp = R"(Usage: remotemedia verify PACKAGE [options]

Checks a package: its container (no unsafe paths, links, duplicates, oversize or non-canonical
content), every file against its digest, and the signature. Exit 0 when it is intact and signed
(by a trusted key, when --trusted-key is given); 3 otherwise, with the reason.

Options:
  --trusted-key K       a trusted signer: a .pub file or its base64 line (repeatable)
  --allow-unsigned      accept an intact package without a signature
  --max-size BYTES      refuse packages whose contents exceed BYTES (default 4 GiB)
  --json                print the package's description as JSON
  --error-format FMT    text (default) or json
  -h, --help            show this help

The signature is minisign's (non-prehashed Ed25519) over the package's digest list, so
`remotemedia inspect --digests PKG > list` and `minisign -V -p KEY.pub -m list -x signature.sig`
(with meta/signature.sig taken from the package) check it with a standard tool.
)";

constexpr const char* kInspectHelp = R"(Usage: remotemedia inspect PACKAGE [options]

Verifies a package, then shows its name, nodes, runtime needs, files (size, sha256), signer and
provenance (builder, creation time, third-party parts).

Options:
  --trusted-key K       a trusted signer, to show whether the signer is trusted (repeatable)
  --json                print it as JSON
  --digests             print only the digest list the signature covers (sha256sum format)
  --max-size BYTES      refuse packages whose contents exceed BYTES (default 4 GiB)
  --error-format FMT    text (default) or json
  -h, --help            show this help
)";

Error usage_error(const std::string& message) {
  Error e;
  e.kind = ErrorKind::Usage;
  e.code = "usage";
  e.message = message;
  return e;
}

Result<std::vector<pkg::PublicKey>> load_trusted_keys(const std::vector<std::string>& specs) {
  std::vector<pkg::PublicKey> keys;
  for (const auto& spec : specs) {
    struct stat st;
    const bool is_file = ::stat(open_path(spec).c_str(), &st) == 0;
    std::string text = spec;
    if (is_file) {
      RM_TRY(file_text, read_file(spec));
      text = std::move(file_text);
    }
    auto key = pkg::parse_public_key(text);
    if (!key) {
      Error e = key.error();
      e.message = "--trusted-key " + spec + ": " + (is_file ? e.message : "no such file, and not a base64 public key");
      return fail(std::move(e));
    }
    keys.push_back(*key);
  }
  return keys;
}

// What is acceptable to run (or to pass `verify`): a trusted signer; with no --trusted-key,
// `verify` accepts any valid signature and says the key was not checked.
Result<> check_trust(const pkg::Package& p, const PackageRunOptions& o, bool for_run) {
  auto refuse = [&](const std::string& why) {
    return fail(ErrorKind::InvalidInput, "untrusted_package", p.path + ": " + why);
  };
  switch (p.trust) {
    case pkg::Trust::Trusted: return {};
    case pkg::Trust::Untrusted:
      if (o.allow_unsigned || (!for_run && o.trusted_keys.empty())) return {};
      return refuse("signed by key " + p.signer + ", which is not " +
                    (o.trusted_keys.empty() ? std::string("given as trusted (pass --trusted-key KEY.pub")
                                            : std::string("among the trusted keys (check --trusted-key")) +
                    ", or --allow-unsigned)");
    case pkg::Trust::Unsigned:
      if (o.allow_unsigned) return {};
      return refuse("the package is not signed (pack it with --sign, or pass --allow-unsigned to accept it)");
  }
  return {};
}

enum class TrustPolicy { None, Verify, Run };  // inspect shows any intact package

Result<pkg::Package> open_checked(const std::string& path, const PackageRunOptions& o, TrustPolicy policy) {
  if (auto c = pkg::crypto_init(); !c) return fail(c.error());
  pkg::VerifyOptions options;
  if (policy != TrustPolicy::None)
    options.accept = [&](const pkg::Package& p) { return check_trust(p, o, policy == TrustPolicy::Run); };
  RM_TRY(keys, load_trusted_keys(o.trusted_keys));
  options.trusted_keys = std::move(keys);
  if (o.max_size) options.limits.max_total_size = o.max_size;
  auto package = pkg::open_package(path, options);
  if (!package) {
    Error e = package.error();
    if (e.code == "untrusted_package") return fail(std::move(e));  // check_trust named the path
    e.message = path + ": " + e.message;
    return fail(std::move(e));
  }
  return package;
}

// The unpacked package's folder: removed at the end of the run, also when SIGINT or SIGTERM
// stops it midway (never left behind in $TMPDIR).
class TempPackageDir : public UnpackedPackage {
 public:
  Result<> make() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/remotemedia-package-XXXXXX";
    if (!::mkdtemp(pattern.data()))
      return fail(ErrorKind::Runtime, "extract_failed", "cannot make a temporary folder in " + dir_of(pattern));
    dir_ = pattern;
    manifest_ = dir_ + "/manifest.json";
    guard_.set_folder(dir_);
    return {};
  }
  const std::string& manifest_path() const override { return manifest_; }
  const std::string& dir() const { return dir_; }

 private:
  RemoveOnSignal guard_;  // removes the folder on destruction or on a stopping signal
  std::string dir_, manifest_;
};

// Parses the options shared by verify and inspect.
struct PackageArgs {
  std::string path;
  PackageRunOptions options;
  bool json = false, digests = false;
};

int parse_package_args(Cli& cli, const std::vector<std::string>& argv, PackageArgs& args, const char* command,
                       const char* help) {
  const bool is_verify = std::string(command) == "verify";
  for (std::size_t i = 0; i < argv.size(); ++i) {
    int code = common_option(cli, argv, i, command, help);
    if (code == kOtherOption) code = package_option(cli, argv, i, command, args.options, is_verify);
    if (code >= 0) return code;
    if (code == kOptionTaken) continue;
    const std::string& a = argv[i];
    if (a == "--json") {
      args.json = true;
    } else if (!is_verify && a == "--digests") {
      args.digests = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return cli.usage("unknown option '" + a + "'", command);
    } else if (args.path.empty()) {
      args.path = a;
    } else {
      return cli.usage("unexpected argument '" + a + "'", command);
    }
  }
  if (args.path.empty()) return cli.usage("missing PACKAGE (a .rmpkg file)", command);
  return -1;
}

}  // namespace

const char* package_command_help(const std::string& command) {
  if (command == "keygen") return kKeygenHelp;
  if (command == "pack") return kPackHelp;
  if (command == "verify") return kVerifyHelp;
  if (command == "inspect") return kInspectHelp;
  return nullptr;
}

Result<std::unique_ptr<UnpackedPackage>> unpack_for_run(const std::string& path, const PackageRunOptions& options) {
  RM_TRY(package, open_checked(path, options, TrustPolicy::Run));
  auto unpacked = std::make_unique<TempPackageDir>();
  RM_CHECK(unpacked->make());
  RM_CHECK(pkg::extract_package(package, unpacked->dir()));
  return std::unique_ptr<UnpackedPackage>(std::move(unpacked));
}

int cmd_keygen(Cli& cli, const std::vector<std::string>& argv) {
  std::string prefix = "remotemedia";
  bool force = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (int code = common_option(cli, argv, i, "keygen", kKeygenHelp); code != kOtherOption) {
      if (code >= 0) return code;
      continue;
    }
    const std::string& a = argv[i];
    if (a == "-o" || a == "--output") {
      if (!take_value(argv, i, prefix)) return cli.usage(a + " needs a file prefix", "keygen");
    } else if (a == "--force") {
      force = true;
    } else {
      return cli.usage("unexpected argument '" + a + "'", "keygen");
    }
  }
  if (auto c = pkg::crypto_init(); !c) return cli.report(c.error());
  const std::string secret_path = prefix + ".key", public_path = prefix + ".pub";
  struct stat st;
  for (const auto& path : {secret_path, public_path})
    if (!force && ::stat(open_path(path).c_str(), &st) == 0)
      return cli.report(usage_error("'" + path + "' exists; keep it, or pass --force to replace it"));
  const pkg::SecretKey key = pkg::generate_secret_key();
  // The secret key is private (0600) before anything is written into it, also when --force
  // replaces a file that was readable by others: a new file takes the old one's name.
  auto written = pkg::write_file_whole(secret_path, pkg::format_secret_key(key), 0600);
  if (written) written = pkg::write_file_whole(public_path, pkg::format_public_key(key.public_key()), 0644);
  if (!written) return cli.report(written.error());
  Json out = Json::object();
  out.set("status", "created");
  out.set("key_id", key.public_key().id_hex());
  out.set("secret_key", secret_path);
  out.set("public_key", public_path);
  print(out.dump());
  return 0;
}

int cmd_pack(Cli& cli, const std::vector<std::string>& argv) {
  pkg::PackOptions o;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (int code = common_option(cli, argv, i, "pack", kPackHelp); code != kOtherOption) {
      if (code >= 0) return code;
      continue;
    }
    const std::string& a = argv[i];
    std::string v;
    auto value = [&](std::string& out) { return take_value(argv, i, out); };
    if (a == "-o" || a == "--output") {
      if (!value(o.output_path)) return cli.usage(a + " needs a file", "pack");
    } else if (a == "--sign") {
      if (!value(o.secret_key_path)) return cli.usage("--sign needs a secret key file", "pack");
    } else if (a == "--model") {
      if (!value(v)) return cli.usage("--model needs a file", "pack");
      o.models.push_back(v);
    } else if (a == "--python-dir") {
      if (!value(o.python_dir)) return cli.usage("--python-dir needs a folder", "pack");
    } else if (a == "--wasm-dir") {
      if (!value(o.wasm_dir)) return cli.usage("--wasm-dir needs a folder", "pack");
    } else if (a.size() > 1 && a[0] == '-') {
      return cli.usage("unknown option '" + a + "'", "pack");
    } else if (o.manifest_path.empty()) {
      o.manifest_path = a;
    } else {
      return cli.usage("unexpected argument '" + a + "'", "pack");
    }
  }
  if (o.manifest_path.empty()) return cli.usage("missing MANIFEST", "pack");
  if (o.output_path.empty()) {
    std::string stem = o.manifest_path.substr(o.manifest_path.find_last_of('/') + 1);
    if (stem.ends_with(".json")) stem.resize(stem.size() - 5);
    o.output_path = stem + ".rmpkg";
  }
  auto summary = pkg::pack(o);
  if (!summary) return cli.report(summary.error());
  print(summary->to_json().dump());
  return 0;
}

int cmd_verify(Cli& cli, const std::vector<std::string>& argv) {
  PackageArgs args;
  if (int code = parse_package_args(cli, argv, args, "verify", kVerifyHelp); code >= 0) return code;
  auto package = open_checked(args.path, args.options, TrustPolicy::Verify);
  if (!package) return cli.report(package.error());
  Json d = package->describe();
  if (args.json) {
    print(d.dump_pretty());
    return 0;
  }
  Json out = Json::object();
  out.set("status", "verified");
  out.set("package", args.path);
  out.set("name", *d.find("name"));
  out.set("signature", *d.find("signature"));
  out.set("signer", *d.find("signer"));
  out.set("files", static_cast<long long>(d.find("files")->as_array().size()));
  print(out.dump());
  return 0;
}

int cmd_inspect(Cli& cli, const std::vector<std::string>& argv) {
  PackageArgs args;
  if (int code = parse_package_args(cli, argv, args, "inspect", kInspectHelp); code >= 0) return code;
  auto package = open_checked(args.path, args.options, TrustPolicy::None);
  if (!package) return cli.report(package.error());
  if (args.digests) {
    std::fputs(pkg::digest_list(package->digests).c_str(), stdout);
    return 0;
  }
  if (args.json) {
    Json full = package->describe();
    full.set("manifest", package->manifest);
    full.set("provenance", package->provenance);
    print(full.dump_pretty());
  } else {
    std::fputs(pkg::inspection_text(*package).c_str(), stdout);
  }
  return 0;
}

}  // namespace rm
