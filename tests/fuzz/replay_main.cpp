// A stand-in for libFuzzer's driver where libFuzzer cannot be linked (the fuzz32 preset: g++ -m32;
// clang's libFuzzer needs libc++ there, which Debian has for 64 bits only). It feeds the same
// entry point, LLVMFuzzerTestOneInput: every file given (seeds, a corpus), then -runs=N mutations
// of them (bit flips, byte values, 32-bit sizes near 2^32, cuts, copies), from a fixed seed so a
// failure reproduces. Sanitizers (ASan/UBSan) turn any memory error into a failure.
//   usage: TARGET [-runs=N] [-seed=S] [-max_len=L] FILE_OR_FOLDER...
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Input = std::vector<std::uint8_t>;

void run_one(const Input& input) {
  // A copy of exactly the input's size, so that ASan sees any read past its end.
  auto* copy = static_cast<std::uint8_t*>(std::malloc(input.empty() ? 1 : input.size()));
  if (!input.empty()) std::memcpy(copy, input.data(), input.size());
  LLVMFuzzerTestOneInput(copy, input.size());
  std::free(copy);
}

Input mutate(const std::vector<Input>& seeds, std::mt19937_64& rng, std::size_t max_len) {
  Input x = seeds[rng() % seeds.size()];
  const int steps = 1 + static_cast<int>(rng() % 4);
  for (int s = 0; s < steps; ++s) {
    const std::size_t at = x.empty() ? 0 : rng() % x.size();
    switch (rng() % 7) {
      case 0:
        if (!x.empty()) x[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 1:
        if (!x.empty()) x[at] = static_cast<std::uint8_t>(rng());
        break;
      case 2: {  // a little-endian 32-bit value near the top: sizes that wrap where size_t is 32 bits
        const std::uint32_t v = 0xFFFFFFFFu - static_cast<std::uint32_t>(rng() % 64);
        for (int k = 0; k < 4 && at + static_cast<std::size_t>(k) < x.size(); ++k)
          x[at + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(v >> (8 * k));
        break;
      }
      case 3: x.resize(at); break;
      case 4: x.insert(x.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng())); break;
      case 5: {  // a piece of another seed, spliced in
        const Input& other = seeds[rng() % seeds.size()];
        if (other.empty()) break;
        const std::size_t from = rng() % other.size(), n = 1 + rng() % std::min<std::size_t>(64, other.size() - from);
        x.insert(x.begin() + static_cast<std::ptrdiff_t>(at), other.begin() + static_cast<std::ptrdiff_t>(from),
                 other.begin() + static_cast<std::ptrdiff_t>(from + n));
        break;
      }
      default:
        if (!x.empty()) x.erase(x.begin() + static_cast<std::ptrdiff_t>(at));
        break;
    }
  }
  if (x.size() > max_len) x.resize(max_len);
  return x;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long long runs = 10000, seed = 1, max_len = 8192;
  std::vector<Input> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("-runs=", 0) == 0) {
      runs = std::strtoull(a.c_str() + 6, nullptr, 10);
    } else if (a.rfind("-seed=", 0) == 0) {
      seed = std::strtoull(a.c_str() + 6, nullptr, 10);
    } else if (a.rfind("-max_len=", 0) == 0) {
      max_len = std::strtoull(a.c_str() + 9, nullptr, 10);
    } else if (a.rfind("-", 0) == 0) {
      continue;  // libFuzzer options this driver does not have
    } else {
      std::vector<std::filesystem::path> files;
      if (std::filesystem::is_directory(a)) {
        for (const auto& e : std::filesystem::directory_iterator(a))
          if (e.is_regular_file()) files.push_back(e.path());
      } else {
        files.push_back(a);
      }
      for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
    }
  }
  if (seeds.empty()) seeds.emplace_back();
  for (const Input& s : seeds) run_one(s);
  std::mt19937_64 rng(seed);
  for (unsigned long long r = 0; r < runs; ++r) run_one(mutate(seeds, rng, max_len));
  std::printf("replayed %zu inputs and %llu mutations (seed %llu): no failure\n", seeds.size(), runs, seed);
  return 0;
}
