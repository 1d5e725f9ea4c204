#include "package/package.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <set>

#include "build_info.hpp"
#include "core/files.hpp"
#include "core/path.hpp"
#include "core/pipeline.hpp"
#include "package/output_file.hpp"

namespace rm::pkg {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "rmpkg-1";
constexpr const char* kManifest = "manifest.json";
constexpr const char* kModule = "modules/remotemedia.wasm";
constexpr const char* kProvenance = "meta/provenance.json";
constexpr const char* kSigner = "meta/signer.pub";
constexpr const char* kSignature = "meta/signature.sig";

std::unexpected<Error> bad_package(std::string message) {
  return fail(ErrorKind::InvalidInput, "bad_package", std::move(message));
}

// The metadata files are read whole: a package cannot make the reader allocate more than this.
constexpr std::uint64_t kMaxMetadataSize = 16 << 20;

// A small text entry (manifest, provenance, key, signature): bounded, and valid UTF-8 as every
// reader (also the browser's TextDecoder) must see the same text.
Result<std::string> read_text(const ZipReader& zip, const char* name) {
  const ZipEntry* entry = zip.find(name);
  if (entry->size > kMaxMetadataSize)
    return bad_package(std::string(name) + " is larger than " + std::to_string(kMaxMetadataSize) + " bytes");
  RM_TRY(bytes, zip.read_all(*entry));
  std::string text(bytes.begin(), bytes.end());
  if (!valid_utf8(text)) return bad_package(std::string(name) + " is not valid UTF-8");
  return text;
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool is_readable_file(const std::string& path) {
  struct stat st;
  return ::stat(open_path(path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The package's files by name; adding the same name twice is fine only for the same source.
class FileSet {
 public:
  Result<> add_path(const std::string& name, const std::string& path, const std::string& why) {
    if (auto it = by_name_.find(name); it != by_name_.end()) {
      if (it->second.path == path) return {};
      return fail(ErrorKind::InvalidInput, "package_name_clash",
                  "two different files would both be packaged as '" + name + "' ('" + it->second.path + "' and '" +
                      path + "'" + (why.empty() ? "" : ", " + why) + ")");
    }
    if (!is_readable_file(path))
      return fail(ErrorKind::InvalidInput, "missing_file",
                  "cannot package '" + path + "'" + (why.empty() ? "" : " (" + why + ")") + ": no such file");
    by_name_[name] = ZipSource{name, path, {}};
    return {};
  }
  void add_data(const std::string& name, std::string_view data) {
    by_name_[name] = ZipSource{name, "", Bytes(data.begin(), data.end())};
  }
  // Every .py file under `dir` (recursively, skipping caches and hidden entries) as `prefix`/...
  Result<> add_python_tree(const std::string& dir, const std::string& prefix) {
    std::error_code ec;
    const fs::path root = open_path(dir);
    if (!fs::is_directory(root, ec))
      return fail(ErrorKind::InvalidInput, "missing_file", "Python folder '" + dir + "' does not exist");
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      const std::string leaf = it->path().filename().string();
      if (leaf.starts_with(".") || leaf == "__pycache__") {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && it->path().extension() == ".py")
        RM_CHECK(
            add_path(prefix + fs::relative(it->path(), root, ec).generic_string(), it->path().string(), "from " + dir));
    }
    if (ec) return fail(ErrorKind::InvalidInput, "file_not_readable", "cannot list '" + dir + "': " + ec.message());
    return {};
  }
  // Every file under `dir` as `prefix`/...
  Result<> add_tree(const std::string& dir, const std::string& prefix) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file(ec))
        RM_CHECK(add_path(prefix + fs::relative(it->path(), dir, ec).generic_string(), it->path().string(), ""));
    if (ec) return fail(ErrorKind::InvalidInput, "file_not_readable", "cannot list '" + dir + "': " + ec.message());
    return {};
  }
  std::map<std::string, ZipSource>& all() { return by_name_; }

 private:
  std::map<std::string, ZipSource> by_name_;
};

Result<std::string> digest_of(const ZipSource& source) {
  if (source.path.empty()) return sha256_hex(source.data);
  RM_TRY(text, read_file(source.path));
  return sha256_hex(bytes_of(text));
}

std::string executable_dir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  return dir_of(std::string(buf, static_cast<std::size_t>(n)));
}

struct WasmModule {
  std::string module;
  std::string deps;  // the folder holding usr/, for the Python-enabled module
  std::string folder;
};

// The WASI module to package: the full one (CPython, whisper.cpp) or the plain one. Looked for in
// --wasm-dir, $REMOTEMEDIA_WASM_DIR, then next to this executable in a build tree
// (build/native/remotemedia -> build/wasi/, build/wasi-python/).
Result<WasmModule> find_wasm_module(const std::string& wasm_dir, bool full) {
  const std::string file = full ? "remotemedia-python.wasm" : "remotemedia.wasm";
  std::vector<std::string> folders;
  if (!wasm_dir.empty()) {
    folders.push_back(wasm_dir);
  } else {
    if (const char* env = std::getenv("REMOTEMEDIA_WASM_DIR"); env && *env) folders.push_back(env);
    folders.push_back(join_path(executable_dir(), full ? "../wasi-python" : "../wasi"));
  }
  for (const auto& folder : folders) {
    const std::string module = join_path(folder, file);
    if (is_readable_file(module)) return WasmModule{module, join_path(folder, "wasi-deps"), folder};
  }
  return fail(ErrorKind::InvalidInput, "missing_wasm_module",
              "no " + file + " in " + folders.front() + " (build it: cmake --build --preset " +
                  (full ? "wasi-python" : "wasi") + ", or pass --wasm-dir)");
}

std::string utc_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Builds honour SOURCE_DATE_EPOCH (reproducible-builds.org), so the same inputs give the same bytes.
std::time_t build_time() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    char* end = nullptr;
    const long long v = std::strtoll(epoch, &end, 10);
    if (end && *end == '\0' && v >= 0) return static_cast<std::time_t>(v);
  }
  return std::time(nullptr);
}

Json provenance_json(const std::string& name, const std::map<std::string, std::string>& digests,
                     const WasmModule& module) {
  Json p = Json::object();
  p.set("format", kFormat);
  p.set("name", name);
  Json builder = Json::object();
  builder.set("name", "remotemedia");
  builder.set("version", RM_VERSION);
  builder.set("commit", RM_COMMIT);
  p.set("builder", std::move(builder));
  const std::time_t t = build_time();
  p.set("created", utc_time(t));
  p.set("source_date_epoch", std::getenv("SOURCE_DATE_EPOCH") != nullptr);
  // Written by the WASI build (cmake/third-party.cmake): the toolchain's Debian packages and the
  // sources deps/ built, with versions and checksums.
  Json third_party = Json::array();
  if (auto text = read_file(join_path(module.folder, "third-party.json")); text)
    if (auto j = parse_json(*text); j && j->is_array()) third_party = std::move(*j);
  p.set("third_party", std::move(third_party));
  Json files = Json::object();
  // Appended, not set(): the names are unique already (a map), and set() searches the object.
  for (const auto& [file, digest] : digests) files.as_object().emplace_back(file, Json(digest));
  p.set("files", std::move(files));
  return p;
}

bool has_feature(const std::vector<std::string>& features, std::string_view f) {
  return std::find(features.begin(), features.end(), f) != features.end();
}

}  // namespace

Json PackSummary::to_json() const {
  Json j = Json::object();
  j.set("status", "packed");
  j.set("package", output_path);
  j.set("name", name);
  j.set("files", static_cast<long long>(files));
  j.set("bytes", static_cast<long long>(bytes));
  j.set("signer", signer.empty() ? Json() : Json(signer));
  Json f = Json::array();
  for (const auto& s : features) f.push_back(s);
  j.set("features", std::move(f));
  return j;
}

std::string digest_list(const std::map<std::string, std::string>& digests) {
  std::string out;
  for (const auto& [name, digest] : digests)
    if (name != kSignature) out += digest + "  " + name + "\n";
  return out;
}

namespace {

// Refuses an output file that is one of `inputs` (path, what it is), by identity: another
// spelling of the same file, or a hard link to it, counts too.
Result<> refuse_input_as_output(const std::string& output,
                                const std::vector<std::pair<std::string, std::string>>& inputs) {
  struct stat out;
  if (::stat(open_path(output).c_str(), &out) != 0) return {};  // a new file
  for (const auto& [path, what] : inputs) {
    struct stat in;
    if (::stat(open_path(path).c_str(), &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
      return fail(ErrorKind::Usage, "output_is_input",
                  "the output '" + output + "' is an input ('" + path + "', " + what +
                      "): packing would replace it; choose another -o");
  }
  return {};
}

}  // namespace

Result<PackSummary> pack(const PackOptions& o) {
  RM_CHECK(crypto_init());
  std::string text = o.manifest_json, dir = o.base_dir;
  if (!o.manifest_path.empty()) {
    RM_TRY(file_text, read_file(o.manifest_path));
    text = std::move(file_text);
    dir = dir_of(o.manifest_path);
  }
  RM_TRY(doc, parse_json(text));
  RM_TRY(graph, load_graph(doc, dir));  // only valid pipelines are packaged
  std::optional<SecretKey> key;
  if (!o.secret_key_path.empty()) {
    RM_TRY(key_text, read_file(o.secret_key_path));
    auto parsed = parse_secret_key(key_text);
    if (!parsed) {
      parsed.error().message = o.secret_key_path + ": " + parsed.error().message;
      return fail(parsed.error());
    }
    key = *parsed;
  }

  FileSet files;
  std::set<std::string> feature_set;
  Json& nodes = *doc.find("nodes");
  for (std::size_t i = 0; i < graph.infos.size(); ++i) {
    const NodeInfo& info = *graph.infos[i];
    if (!info.feature.empty()) feature_set.insert(info.feature);
    // Files the node refers to travel with it; the packaged manifest points at the copies.
    for (const ParamSpec& spec : info.params) {
      const Json* value = graph.params[i].find(spec.name);
      if (!spec.file || !value || !value->is_string() || value->as_string().empty()) continue;
      const std::string source = join_path(dir, value->as_string());
      const std::string name = base_name(source);
      const std::string packaged = (name.ends_with(".py") ? "python/" : "models/") + name;
      const std::string field = "nodes[" + std::to_string(i) + "].params." + spec.name;
      if (!is_readable_file(source)) {
        Error e;
        e.kind = ErrorKind::InvalidInput;
        e.code = "missing_file";
        e.node = graph.manifest.nodes[i].id;
        e.field = field;
        e.message =
            "node '" + e.node + "': " + spec.name + " file '" + value->as_string() + "' not found (" + source + ")";
        return fail(std::move(e));
      }
      RM_CHECK(files.add_path(packaged, source, "from " + field));
      Json& node = nodes.as_array()[i];
      if (!node.find("params")) node.set("params", Json::object());  // the value was a default
      node.find("params")->set(spec.name, packaged);
    }
  }
  if (Json* python = doc.find("python")) {
    feature_set.insert("python");
    if (const Json* paths = python->find("paths"))
      for (const Json& p : paths->as_array()) RM_CHECK(files.add_python_tree(join_path(dir, p.as_string()), "python/"));
  }
  if (!o.python_dir.empty()) {
    RM_CHECK(files.add_python_tree(o.python_dir, "python/"));
    if (!doc.find("python")) doc.set("python", Json::object());
  }
  if (Json* python = doc.find("python"); python && (python->find("paths") || !o.python_dir.empty())) {
    Json paths = Json::array();
    paths.push_back("python");
    python->set("paths", std::move(paths));
  }
  for (const auto& model : o.models) RM_CHECK(files.add_path("models/" + base_name(model), model, "--model"));

  std::vector<std::string> features(feature_set.begin(), feature_set.end());
  const bool full = !features.empty();
  RM_TRY(module, find_wasm_module(o.wasm_dir, full));
  RM_CHECK(files.add_path(kModule, module.module, "the WASI module"));
  if (has_feature(features, "python")) {
    const std::string usr = join_path(module.deps, "usr");
    std::error_code ec;
    if (!fs::is_directory(open_path(usr), ec))
      return fail(ErrorKind::InvalidInput, "missing_wasm_module", "no Python stdlib for the module at " + usr);
    RM_CHECK(files.add_tree(open_path(usr), "wasi-deps/usr/"));
  }

  Json runtime = Json::object();
  runtime.set("target", "wasm32-wasi");
  runtime.set("min_version", RM_VERSION);
  Json feature_list = Json::array();
  for (const auto& f : features) feature_list.push_back(f);
  runtime.set("features", std::move(feature_list));
  doc.set("runtime", std::move(runtime));
  files.add_data(kManifest, doc.dump_pretty() + "\n");
  if (key) files.add_data(kSigner, format_public_key(key->public_key()));

  std::map<std::string, std::string> digests;
  for (const auto& [name, source] : files.all()) {
    RM_TRY(digest, digest_of(source));
    digests[name] = digest;
  }
  const std::string provenance = provenance_json(graph.manifest.name, digests, module).dump_pretty() + "\n";
  files.add_data(kProvenance, provenance);
  digests[kProvenance] = sha256_hex(bytes_of(provenance));
  if (key) {
    // One line, whatever the name holds: the signature file is line-based.
    const std::string comment =
        "remotemedia package " + (graph.manifest.name.empty() ? "(unnamed)" : printable(graph.manifest.name));
    files.add_data(kSignature, sign_message(*key, bytes_of(digest_list(digests)), comment));
  }

  std::vector<ZipSource> sources;
  for (auto& [name, source] : files.all()) sources.push_back(std::move(source));
  const std::size_t count = sources.size();
  // The package replaces the output file: never one of the inputs (it would be lost).
  std::vector<std::pair<std::string, std::string>> inputs;
  if (!o.manifest_path.empty()) inputs.emplace_back(o.manifest_path, "the manifest");
  if (!o.secret_key_path.empty()) inputs.emplace_back(o.secret_key_path, "the signing key");
  for (const auto& source : sources)
    if (!source.path.empty()) inputs.emplace_back(source.path, "packaged as " + source.name);
  RM_CHECK(refuse_input_as_output(o.output_path, inputs));
  // Written whole or not at all: a temporary file next to it, renamed once it verified.
  RM_TRY(output, OutputFile::create(o.output_path, 0644));
  RM_TRY(bytes, write_zip(output.temp_path(), std::move(sources)));
  // What was written is read back as any reader will: a file that changed while it was packed, or a
  // key whose halves disagree, fail here rather than at the user's end.
  VerifyOptions self;
  if (key) self.trusted_keys.push_back(key->public_key());
  auto check = open_package(output.temp_path(), self);
  if (!check || check->trust != (key ? Trust::Trusted : Trust::Unsigned))
    return fail(ErrorKind::InvalidInput, "pack_failed",
                "the written package did not verify" + (check ? std::string() : ": " + check.error().message) +
                    " (a file changed while packing, or a damaged key); nothing was kept");
  RM_CHECK(output.commit());
  return PackSummary{o.output_path, graph.manifest.name, count, bytes, key ? key->public_key().id_hex() : "", features};
}

namespace {
Result<Package> check_package(Package pkg, const VerifyOptions& options);
}

Result<Package> open_package(const std::string& path, const VerifyOptions& options) {
  RM_CHECK(crypto_init());
  RM_TRY(zip, ZipReader::open_file(path, options.limits));
  return check_package(Package{path, std::move(zip)}, options);
}

Result<Package> open_package_bytes(ByteView bytes, const std::string& label, const VerifyOptions& options) {
  RM_CHECK(crypto_init());
  RM_TRY(zip, ZipReader::open_memory(bytes, options.limits));
  return check_package(Package{label, std::move(zip)}, options);
}

namespace {
Result<Package> check_package(Package pkg, const VerifyOptions& options) {
  for (const char* required : {kManifest, kModule, kProvenance})
    if (!pkg.zip.find(required)) return bad_package(std::string("no ") + required + " in the package");
  for (const ZipEntry& entry : pkg.zip.entries()) {
    Sha256 h;
    RM_CHECK(pkg.zip.read(entry, [&](ByteView chunk) { h.update(chunk); }));
    pkg.digests[entry.name] = h.hex_digest();
  }

  const ZipEntry* sig_entry = pkg.zip.find(kSignature);
  const ZipEntry* signer_entry = pkg.zip.find(kSigner);
  std::string bad_signature;
  if (sig_entry && !signer_entry) return bad_package("the package has a signature but no meta/signer.pub");
  if (!sig_entry && signer_entry)
    return bad_package("the package names a signer but its signature is missing (removed?)");
  if (sig_entry) {
    RM_TRY(sig_text, read_text(pkg.zip, kSignature));
    RM_TRY(signer_text, read_text(pkg.zip, kSigner));
    auto signer = parse_public_key(signer_text);
    if (!signer) return bad_package("meta/signer.pub: " + signer.error().message);
    auto signature = parse_signature(sig_text);
    if (!signature) return bad_package("meta/signature.sig: " + signature.error().message);
    if (format_signature(*signature) != sig_text)
      return bad_package(
          "meta/signature.sig is not in the form remotemedia pack writes (its unsigned lines were changed)");
    if (auto ok = verify_message(*signer, *signature, bytes_of(digest_list(pkg.digests))); !ok) {
      bad_signature = "signature check failed: " + ok.error().message;
    } else {
      pkg.signer = signer->id_hex();
      const bool trusted =
          std::find(options.trusted_keys.begin(), options.trusted_keys.end(), *signer) != options.trusted_keys.end();
      pkg.trust = trusted ? Trust::Trusted : Trust::Untrusted;
    }
  }
  // Trust is known now, from the bytes alone: a package the caller will refuse is refused before
  // its provenance or manifest (untrusted text, possibly built to be slow) is even parsed. A bad
  // signature is reported after the provenance checks, which say more precisely what changed.
  if (bad_signature.empty() && options.accept) RM_CHECK(options.accept(pkg));

  RM_TRY(provenance_text, read_text(pkg.zip, kProvenance));
  auto provenance = parse_json(provenance_text);
  if (!provenance || !provenance->is_object()) return bad_package(std::string(kProvenance) + " is not a JSON object");
  const Json* format = provenance->find("format");
  if (!format || !format->is_string() || format->as_string() != kFormat)
    return bad_package(std::string(kProvenance) + ": not an " + kFormat + " package");
  const Json* listed = provenance->find("files");
  if (!listed || !listed->is_object()) return bad_package(std::string(kProvenance) + " has no file list");
  // The provenance lists every file but itself and the signature: anything else is added or lost.
  for (const auto& [name, digest] : listed->as_object()) {
    auto it = pkg.digests.find(name);
    if (it == pkg.digests.end() || name == kProvenance || name == kSignature)
      return bad_package("'" + printable(clipped(name)) +
                         "' is listed in the provenance but missing from the package (removed?)");
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION  // the fuzzer gets past the digests, into what follows
    if (!digest.is_string() || digest.as_string() != it->second)
      return bad_package("'" + printable(name) + "' does not match its digest in the provenance (modified?)");
#endif
  }
  // Every listed name is one of the package's files (and listed once: keys are unique), so equal
  // counts mean every file is listed; the search for the unlisted one happens only on failure.
  const std::size_t files = pkg.digests.size() - 1 - (pkg.digests.count(kSignature) ? 1 : 0);
  if (listed->as_object().size() != files) {
    std::set<std::string_view> names;
    for (const auto& member : listed->as_object()) names.insert(member.first);
    for (const auto& [name, digest] : pkg.digests)
      if (name != kProvenance && name != kSignature && !names.count(name))
        return bad_package("'" + printable(name) + "' is not listed in the provenance (added after packing?)");
  }
  pkg.provenance = std::move(*provenance);
  if (!bad_signature.empty()) return bad_package(std::move(bad_signature));

  RM_TRY(manifest_text, read_text(pkg.zip, kManifest));
  auto manifest = parse_json(manifest_text);
  if (!manifest) return bad_package("manifest.json: " + manifest.error().message);
  RM_TRY(parsed, parse_manifest(*manifest));
  // Files the nodes refer to must be inside (node types this build does not know are checked
  // when the pipeline loads).
  for (std::size_t i = 0; i < parsed.nodes.size(); ++i) {
    const NodeInfo* info = Registry::global().find(parsed.nodes[i].type);
    if (!info || !parsed.nodes[i].params.is_object()) continue;
    for (const ParamSpec& spec : info->params) {
      const Json* value = parsed.nodes[i].params.find(spec.name);
      if (spec.file && value && value->is_string() && !pkg.zip.find(value->as_string()))
        return bad_package("node '" + parsed.nodes[i].id + "' refers to " + spec.name + " '" + value->as_string() +
                           "', which is not in the package");
    }
  }
  pkg.manifest = std::move(*manifest);
  return pkg;
}
}  // namespace

Json Package::describe() const {
  Json j = Json::object();
  const Json* metadata = manifest.find("metadata");
  const Json* name = metadata ? metadata->find("name") : nullptr;
  j.set("name", name && name->is_string() ? *name : Json());
  j.set("signature", trust == Trust::Trusted     ? "trusted"
                     : trust == Trust::Untrusted ? "valid, key not trusted"
                                                 : "unsigned");
  j.set("signer", signer.empty() ? Json() : Json(signer));
  const Json* runtime = manifest.find("runtime");
  j.set("runtime", runtime ? *runtime : Json());
  Json nodes = Json::array();
  if (const Json* list = manifest.find("nodes"); list && list->is_array())
    for (const Json& n : list->as_array()) {
      if (!n.is_object()) continue;
      Json node = Json::object();
      for (const char* key : {"id", "node_type"})
        if (const Json* v = n.find(key)) node.set(key, *v);
      nodes.push_back(std::move(node));
    }
  j.set("nodes", std::move(nodes));
  Json files = Json::array();
  long long total = 0;
  for (const ZipEntry& e : zip.entries()) {
    Json f = Json::object();
    f.set("name", e.name);
    f.set("size", static_cast<long long>(e.size));
    f.set("sha256", digests.at(e.name));
    files.push_back(std::move(f));
    total += static_cast<long long>(e.size);
  }
  j.set("files", std::move(files));
  j.set("content_bytes", total);
  // The provenance is the packer's word, and only as good as the signature: keep what has the
  // expected shape, so that no reader trips over a crafted one.
  const Json* builder = provenance.find("builder");
  j.set("builder", builder && builder->is_object() ? *builder : Json());
  const Json* created = provenance.find("created");
  j.set("created", created && created->is_string() ? *created : Json());
  Json parts = Json::array();
  if (const Json* third_party = provenance.find("third_party"); third_party && third_party->is_array())
    for (const Json& t : third_party->as_array())
      if (t.is_object()) parts.push_back(t);
  j.set("third_party", std::move(parts));
  return j;
}

namespace {

std::string human_size(unsigned long long bytes) {
  char buf[32];
  if (bytes >= 1 << 20)
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  else if (bytes >= 1 << 10)
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / (1 << 10));
  else
    std::snprintf(buf, sizeof buf, "%llu B", bytes);
  return buf;
}

// A field for the terminal: strings as they are (control characters escaped), anything else as
// JSON, "-" when absent.
std::string text_of(const Json* j) {
  if (!j || j->is_null()) return "-";
  return printable(j->is_string() ? j->as_string() : j->dump());
}

std::string line(const char* format, auto... args) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

}  // namespace

std::string inspection_text(const Package& p) {
  const Json d = p.describe();
  std::string out;
  out += line("package    %s (%s of content, %zu files)\n", printable(p.path).c_str(),
              human_size(static_cast<unsigned long long>(d.find("content_bytes")->as_int())).c_str(),
              d.find("files")->as_array().size());
  out += line("name       %s\n", text_of(d.find("name")).c_str());
  std::string signature = d.find("signature")->as_string();
  if (!p.signer.empty()) signature += " (key " + p.signer + ")";
  out += line("signature  %s\n", signature.c_str());
  if (const Json* runtime = d.find("runtime"); runtime && runtime->is_object()) {
    std::string features;
    if (const Json* f = runtime->find("features"); f && f->is_array())
      for (const Json& x : f->as_array()) features += (features.empty() ? "" : ", ") + text_of(&x);
    out += line("runtime    %s, remotemedia >= %s, features: %s\n", text_of(runtime->find("target")).c_str(),
                text_of(runtime->find("min_version")).c_str(), features.empty() ? "none" : features.c_str());
  }
  if (const Json* b = d.find("builder"); b && b->is_object())
    out += line("built by   %s %s (commit %s), %s\n", text_of(b->find("name")).c_str(),
                text_of(b->find("version")).c_str(), text_of(b->find("commit")).c_str(),
                text_of(d.find("created")).c_str());
  out += "nodes\n";
  for (const Json& n : d.find("nodes")->as_array())
    out += line("  %-20s %s\n", text_of(n.find("id")).c_str(), text_of(n.find("node_type")).c_str());
  out += "files\n";
  for (const Json& f : d.find("files")->as_array())
    out += line("  %s %10s  %s\n", f.find("sha256")->as_string().substr(0, 16).c_str(),
                human_size(static_cast<unsigned long long>(f.find("size")->as_int())).c_str(),
                text_of(f.find("name")).c_str());
  const auto& parts = d.find("third_party")->as_array();
  if (!parts.empty()) {
    out += "third-party parts\n";
    for (const Json& t : parts) {
      std::string detail = text_of(t.find("origin"));
      if (const Json* v = t.find("version")) detail += " " + text_of(v);
      if (const Json* f = t.find("file")) detail += ", " + text_of(f);
      out += line("  %-28s %s\n", text_of(t.find("name")).c_str(), detail.c_str());
    }
  }
  return out;
}

Result<> extract_package(const Package& package, const std::string& dir) {
  for (const ZipEntry& entry : package.zip.entries()) {
    // Names were checked when the package was opened (relative, no "..", no links), and every
    // folder and file is created fresh: nothing can land outside `dir`.
    std::string path = dir;
    std::size_t start = 0;
    for (std::size_t slash; (slash = entry.name.find('/', start)) != std::string::npos; start = slash + 1) {
      path += "/" + entry.name.substr(start, slash - start);
      if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        return fail(ErrorKind::Runtime, "extract_failed", "cannot create '" + path + "': " + std::strerror(errno));
    }
    path += "/" + entry.name.substr(start);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
      return fail(ErrorKind::Runtime, "extract_failed", "cannot create '" + path + "': " + std::strerror(errno));
    bool ok = true;
    Sha256 digest;  // the file may have changed since it was verified: check again what is written
    auto read = package.zip.read(entry, [&](ByteView chunk) {
      digest.update(chunk);
      for (std::size_t done = 0; ok && done < chunk.size();) {
        const ssize_t n = ::write(fd, chunk.data() + done, chunk.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
          ok = false;
        else
          done += static_cast<std::size_t>(n);
      }
    });
    if (::close(fd) != 0) ok = false;
    if (!read) return fail(read.error());
    if (!ok) return fail(ErrorKind::Runtime, "extract_failed", "cannot write '" + path + "'");
    if (digest.hex_digest() != package.digests.at(entry.name))
      return bad_package("'" + entry.name + "' changed while the package was being read");
  }
  return {};
}

}  // namespace rm::pkg
