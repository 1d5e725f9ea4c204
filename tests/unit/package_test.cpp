// Packages: the canonical container, the minisign formats, and tampering of every kind the
// reader must notice. The bad inputs that other zip tools make (traversal, links, compression,
// duplicates, truncation) are in tests/package/check_packages.py, against the CLIs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/files.hpp"
#include "core/registry.hpp"
#include "package/output_file.hpp"
#include "package/package.hpp"

namespace rm::pkg {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  auto text = read_file(path);
  EXPECT_TRUE(text) << path;
  return text ? *text : "";
}

// A scratch folder with a manifest, a key pair, a stand-in WASI module and a small model.
class PackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    std::string pattern = (fs::temp_directory_path() / "rm-package-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ + "/wasm");
    ASSERT_TRUE(write_file(dir_ + "/wasm/remotemedia.wasm", std::string("\0asm\1\0\0\0", 8)));
    ASSERT_TRUE(write_file(dir_ + "/calc.json", R"({"version": "v1", "metadata": {"name": "calc"},
      "nodes": [{"id": "m", "node_type": "MultiplyNode", "params": {"factor": 2}}]})"));
    key_ = generate_secret_key();
    ASSERT_TRUE(write_file(dir_ + "/k.key", format_secret_key(key_)));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string pack_calc(const std::string& name, bool signed_ = true) {
    PackOptions o;
    o.manifest_path = dir_ + "/calc.json";
    o.wasm_dir = dir_ + "/wasm";
    o.models = {dir_ + "/calc.json"};  // any extra file
    if (signed_) o.secret_key_path = dir_ + "/k.key";
    o.output_path = dir_ + "/" + name;
    auto summary = pack(o);
    EXPECT_TRUE(summary) << (summary ? "" : summary.error().message);
    return o.output_path;
  }

  VerifyOptions trusting() const { return VerifyOptions{{key_.public_key()}, {}}; }

  std::string dir_;
  SecretKey key_;
};

TEST_F(PackageTest, SignedPackageVerifiesWithItsKey) {
  auto p = open_package(pack_calc("a.rmpkg"), trusting());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->trust, Trust::Trusted);
  EXPECT_EQ(p->signer, key_.public_key().id_hex());
  EXPECT_TRUE(p->zip.find("manifest.json"));
  EXPECT_TRUE(p->zip.find("models/calc.json"));
  const Json* runtime = p->manifest.find("runtime");
  ASSERT_TRUE(runtime);
  EXPECT_EQ(runtime->find("target")->as_string(), "wasm32-wasi");
}

TEST_F(PackageTest, ValidSignatureByAnotherKeyIsUntrustedNotTrusted) {
  VerifyOptions other{{generate_secret_key().public_key()}, {}};
  auto p = open_package(pack_calc("a.rmpkg"), other);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->trust, Trust::Untrusted);
}

TEST_F(PackageTest, UnsignedPackageOpensAsUnsigned) {
  auto p = open_package(pack_calc("u.rmpkg", false), trusting());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->trust, Trust::Unsigned);
  EXPECT_FALSE(p->zip.find("meta/signature.sig"));
}

TEST_F(PackageTest, SameInputsGiveSameBytes) {
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  const std::string a = slurp(pack_calc("a.rmpkg")), b = slurp(pack_calc("b.rmpkg"));
  ::unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_EQ(a, b);
}

// Every byte of the file is a checked constant, cross-checked, or covered by a digest.
TEST_F(PackageTest, FailsOnAnySingleChangedByte) {
  const std::string original = slurp(pack_calc("a.rmpkg"));
  ASSERT_GT(original.size(), 500u);
  for (std::size_t i = 0; i < original.size(); ++i)
    for (unsigned char flip : {0x01, 0x80}) {
      std::string bytes = original;
      bytes[i] = static_cast<char>(bytes[i] ^ flip);
      auto p = open_package_bytes(bytes_of(bytes), "tampered", trusting());
      if (p && p->trust == Trust::Trusted) ADD_FAILURE() << "byte " << i << " ^ " << int(flip) << " went unnoticed";
    }
}

TEST_F(PackageTest, FailsOnTruncationAtAnyLength) {
  const std::string original = slurp(pack_calc("a.rmpkg"));
  for (std::size_t n = 0; n < original.size(); n += 7)
    EXPECT_FALSE(open_package_bytes(bytes_of(std::string_view(original).substr(0, n)), "cut", trusting()))
        << "cut at " << n;
}

TEST_F(PackageTest, FailsWhenRefiledWithoutTheSignature) {
  // Re-packing the same files minus the signature (a clean, canonical archive) is noticed.
  auto p = open_package(pack_calc("a.rmpkg"), trusting());
  ASSERT_TRUE(p);
  std::vector<ZipSource> files;
  for (const ZipEntry& e : p->zip.entries())
    if (e.name != "meta/signature.sig") files.push_back(ZipSource{e.name, "", *p->zip.read_all(e)});
  ASSERT_TRUE(write_zip(dir_ + "/stripped.rmpkg", files));
  auto stripped = open_package(dir_ + "/stripped.rmpkg", trusting());
  ASSERT_FALSE(stripped);
  EXPECT_NE(stripped.error().message.find("signature is missing"), std::string::npos) << stripped.error().message;
}

TEST_F(PackageTest, FailsOnAFileAddedToACanonicalArchive) {
  auto p = open_package(pack_calc("a.rmpkg"), trusting());
  ASSERT_TRUE(p);
  std::vector<ZipSource> files;
  for (const ZipEntry& e : p->zip.entries()) files.push_back(ZipSource{e.name, "", *p->zip.read_all(e)});
  files.push_back(ZipSource{"models/extra.bin", "", Bytes{1, 2, 3}});
  ASSERT_TRUE(write_zip(dir_ + "/added.rmpkg", files));
  auto added = open_package(dir_ + "/added.rmpkg", trusting());
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("not listed"), std::string::npos) << added.error().message;
}

TEST_F(PackageTest, PackFailsOnAMissingModel) {
  if (!Registry::global().find("WhisperNode")) GTEST_SKIP() << "built without WhisperNode";
  ASSERT_TRUE(write_file(dir_ + "/w.json", R"({"version": "v1", "nodes": [
    {"id": "w", "node_type": "WhisperNode", "params": {"model": "nowhere/ggml-tiny.bin"}}]})"));
  PackOptions o;
  o.manifest_path = dir_ + "/w.json";
  o.wasm_dir = dir_ + "/wasm";
  o.output_path = dir_ + "/w.rmpkg";
  auto r = pack(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "nodes[0].params.model");
  EXPECT_FALSE(fs::exists(o.output_path));
}

TEST_F(PackageTest, ExtractsEveryFileInsideTheFolderOnly) {
  auto p = open_package(pack_calc("a.rmpkg"), trusting());
  ASSERT_TRUE(p);
  fs::create_directories(dir_ + "/out");
  ASSERT_TRUE(extract_package(*p, dir_ + "/out"));
  EXPECT_EQ(slurp(dir_ + "/out/models/calc.json"), slurp(dir_ + "/calc.json"));
  // A second extraction into the same folder refuses to overwrite.
  EXPECT_FALSE(extract_package(*p, dir_ + "/out"));
}

// ---- what a package can do to its reader, and what pack can do to its inputs (issue #16) ------

TEST_F(PackageTest, AnUntrustedPackageIsRefusedBeforeItsProvenanceIsParsed) {
  // An unsigned package spent 100 s of CPU in its provenance before being refused: the caller's
  // trust policy is asked first. The provenance here is not even JSON, and never looked at.
  const std::string good = pack_calc("p.rmpkg", false);
  auto zip = ZipReader::open_file(good);
  ASSERT_TRUE(zip);
  std::vector<ZipSource> files;
  for (const ZipEntry& e : zip->entries()) {
    auto data = zip->read_all(e);
    ASSERT_TRUE(data);
    files.push_back({e.name, "", *data});
    if (e.name == "meta/provenance.json") files.back().data = Bytes(5, std::uint8_t('{'));
  }
  ASSERT_TRUE(write_zip(dir_ + "/bad.rmpkg", files));
  VerifyOptions refuse_unsigned;
  int asked = 0;
  refuse_unsigned.accept = [&](const Package& p) -> Result<> {
    ++asked;
    if (p.trust == Trust::Unsigned) return fail(ErrorKind::InvalidInput, "untrusted_package", "not signed");
    return {};
  };
  auto refused = open_package(dir_ + "/bad.rmpkg", refuse_unsigned);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "untrusted_package");
  EXPECT_EQ(asked, 1);
  auto parsed = open_package(dir_ + "/bad.rmpkg", VerifyOptions{});  // no policy: parsed, and bad
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("provenance.json is not a JSON object"), std::string::npos)
      << parsed.error().message;
}

TEST_F(PackageTest, PackRefusesAnOutputThatIsOneOfItsInputs) {
  for (const std::string& input : {dir_ + "/k.key", dir_ + "/calc.json", dir_ + "/wasm/remotemedia.wasm"}) {
    const std::string before = slurp(input);
    PackOptions o;
    o.manifest_path = dir_ + "/calc.json";
    o.wasm_dir = dir_ + "/wasm";
    o.secret_key_path = dir_ + "/k.key";
    o.output_path = input;
    auto summary = pack(o);
    ASSERT_FALSE(summary) << input;
    EXPECT_EQ(summary.error().code, "output_is_input");
    EXPECT_EQ(slurp(input), before) << input;
  }
}

TEST_F(PackageTest, AnOutputFileNotCommittedLeavesTheOldFileAndNoTemporary) {
  ASSERT_TRUE(write_file(dir_ + "/out.rmpkg", "old"));
  {
    auto out = OutputFile::create(dir_ + "/out.rmpkg", 0644);
    ASSERT_TRUE(out);
    ASSERT_TRUE(write_file(out->temp_path(), "half a package"));
    EXPECT_EQ(slurp(dir_ + "/out.rmpkg"), "old");
  }  // an error (or a kill) before commit()
  EXPECT_EQ(slurp(dir_ + "/out.rmpkg"), "old");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](const std::string& n) { return n.find("partial") != std::string::npos; }),
            0);
}

TEST_F(PackageTest, ARewrittenSecretKeyIsPrivateWhateverTheOldFileWas) {
  const std::string path = dir_ + "/k.key";
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(write_file_whole(path, format_secret_key(key_), 0600));
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(slurp(path), format_secret_key(key_));
}

TEST(Minisign, KeysRoundTripThroughTheirFiles) {
  ASSERT_TRUE(crypto_init());
  SecretKey k = generate_secret_key();
  auto secret = parse_secret_key(format_secret_key(k));
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->key, k.key);
  auto pub = parse_public_key(format_public_key(k.public_key()));
  ASSERT_TRUE(pub);
  EXPECT_EQ(*pub, k.public_key());
  // The base64 line alone is a key too.
  const std::string file = format_public_key(k.public_key());
  auto line = parse_public_key(file.substr(file.find('\n') + 1));
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, k.public_key());
}

TEST(Minisign, FailsOnADamagedSecretKey) {
  ASSERT_TRUE(crypto_init());
  std::string text = format_secret_key(generate_secret_key());
  const std::size_t at = text.find('\n') + 100;  // inside the secret key bytes
  text[at] = text[at] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(parse_secret_key(text));
}

TEST(Minisign, FailsOnAModifiedMessageOrTrustedComment) {
  ASSERT_TRUE(crypto_init());
  SecretKey k = generate_secret_key();
  const std::string sig_text = sign_message(k, bytes_of("digests"), "remotemedia package x");
  auto sig = parse_signature(sig_text);
  ASSERT_TRUE(sig);
  EXPECT_TRUE(verify_message(k.public_key(), *sig, bytes_of("digests")));
  EXPECT_FALSE(verify_message(k.public_key(), *sig, bytes_of("digestz")));
  Signature changed = *sig;
  changed.trusted_comment += "!";
  EXPECT_FALSE(verify_message(k.public_key(), changed, bytes_of("digests")));
  EXPECT_FALSE(verify_message(generate_secret_key().public_key(), *sig, bytes_of("digests")));
}

TEST(Zip, RefusesUnsafeNamesWhenWriting) {
  for (const char* name : {"../x", "/abs", "a/../b", "a//b", "dir/", "a\\b", "./a"})
    EXPECT_NE(unsafe_name_reason(name), "") << name;
  for (const char* name : {"manifest.json", "models/ggml-tiny.en.bin", "python/pkg/mod.py", "a..b"})
    EXPECT_EQ(unsafe_name_reason(name), "") << name;
}

}  // namespace
}  // namespace rm::pkg
