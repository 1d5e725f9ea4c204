// Checks the wasm matrix multiplication (src/nodes/audio/whisper_wasm_gemm.cpp) against ggml's own
// dot products, inside the wasm: q8_0 must give the same bits as ggml_vec_dot_q8_0_q8_0, f16 must
// agree with ggml_vec_dot_f16 within float rounding. Shapes include tails of every tile size and
// a split across "threads". With --bench, times the tiny model's encoder shapes instead.
// Exit status: 0 pass, 1 mismatch.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "ggml-cpu-impl.h"
#include "ggml-cpu.h"
#include "ggml-quants.h"
#include "llamafile/sgemm.h"
#include "quants.h"
#include "simd-gemm.h"
#include "vec.h"

namespace {

std::mt19937 rng(12345);

std::vector<float> random_floats(std::size_t n) {
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

bool gemm(int64_t m, int64_t n, int64_t k, const void* A, int64_t lda, const void* B, int64_t ldb, float* C,
          ggml_type type, int nth) {
  for (int ith = 0; ith < nth; ++ith) {
    ggml_compute_params p{};
    p.ith = ith;
    p.nth = nth;
    if (!llamafile_sgemm(&p, m, n, k, A, lda, B, ldb, C, m, type, type, GGML_TYPE_F32)) return false;
  }
  return true;
}

int check_q8_0(int64_t m, int64_t n, int64_t k, int nth) {
  const int64_t nb = k / QK8_0;
  std::vector<block_q8_0> a(m * nb), b(n * nb);
  quantize_row_q8_0(random_floats(m * k).data(), a.data(), m * k);
  quantize_row_q8_0(random_floats(n * k).data(), b.data(), n * k);
  std::vector<float> c(m * n, NAN);
  if (!gemm(m, n, nb, a.data(), nb, b.data(), nb, c.data(), GGML_TYPE_Q8_0, nth)) {
    std::printf("q8_0 %lldx%lldx%lld: not handled\n", (long long)m, (long long)n, (long long)k);
    return 1;
  }
  int bad = 0;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < m; ++i) {
      float want;
      ggml_vec_dot_q8_0_q8_0(k, &want, 0, &a[i * nb], 0, &b[j * nb], 0, 1);
      if (std::memcmp(&want, &c[j * m + i], sizeof want) != 0 && bad++ < 3)
        std::printf("q8_0 %lldx%lldx%lld: C[%lld][%lld] = %.9g, ggml %.9g\n", (long long)m, (long long)n, (long long)k,
                    (long long)j, (long long)i, c[j * m + i], want);
    }
  return bad != 0;
}

int check_f16(int64_t m, int64_t n, int64_t k, int nth) {
  std::vector<ggml_fp16_t> a(m * k), b(n * k);
  ggml_fp32_to_fp16_row(random_floats(m * k).data(), a.data(), m * k);
  ggml_fp32_to_fp16_row(random_floats(n * k).data(), b.data(), n * k);
  std::vector<float> c(m * n, NAN);
  if (!gemm(m, n, k, a.data(), k, b.data(), k, c.data(), GGML_TYPE_F16, nth)) {
    std::printf("f16 %lldx%lldx%lld: not handled\n", (long long)m, (long long)n, (long long)k);
    return 1;
  }
  int bad = 0;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < m; ++i) {
      float want;
      ggml_vec_dot_f16(k, &want, 0, &a[i * k], 0, &b[j * k], 0, 1);
      double scale = 0;  // the size of the terms bounds the rounding of any summation order
      for (int64_t l = 0; l < k; ++l)
        scale += std::fabs(ggml_fp16_to_fp32(a[i * k + l]) * ggml_fp16_to_fp32(b[j * k + l]));
      if (!(std::fabs(c[j * m + i] - want) <= 1e-5 * scale + 1e-30) && bad++ < 3)
        std::printf("f16 %lldx%lldx%lld: C[%lld][%lld] = %.9g, ggml %.9g\n", (long long)m, (long long)n, (long long)k,
                    (long long)j, (long long)i, c[j * m + i], want);
    }
  return bad != 0;
}

// The SIMD f16 -> f32 conversion (ggml_fp16_to_fp32_row, and ggml's f16 loads) against ggml's
// scalar one, for every f16 value.
int check_f16_conversion() {
  std::vector<ggml_fp16_t> h(65536);
  for (int i = 0; i < 65536; ++i) h[i] = static_cast<ggml_fp16_t>(i);
  std::vector<float> f(65536);
  ggml_fp16_to_fp32_row(h.data(), f.data(), 65536);
  int bad = 0;
  for (int i = 0; i < 65536; ++i) {
    const float want = ggml_compute_fp16_to_fp32(h[i]);
    const bool same = std::isnan(want) ? std::isnan(f[i]) : std::memcmp(&want, &f[i], sizeof want) == 0;
    if (!same && bad++ < 3) std::printf("f16 0x%04x: %.9g, scalar %.9g\n", i, f[i], want);
  }
  return bad != 0;
}

// Flash attention's micro-kernel (simd-gemm.h) on its tile shapes (64 x 64 x 64), for the tile sizes.
template <int RM, int RN>
double fa_tile_ms(const float* A, const float* B, float* C) {
  double best = 1e9;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int it = 0; it < 200; ++it)
      for (int i = 0; i + RM <= 60; i += RM)
        for (int j = 0; j + RN * 4 <= 64; j += RN * 4)
          simd_gemm_ukernel<RM, RN>(C + i * 64 + j, A + i * 64, B + j, 64, 64);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    best = ms < best ? ms : best;
  }
  const int rows = 60 / RM * RM, cols = 64 / (RN * 4) * RN * 4;
  std::printf("flash-attention tile %dx%d: %5.2f GMAC/s\n", RM, RN, 200.0 * rows * cols * 64 / best / 1e6);
  return best;
}

// The SIMD f32 -> f16 conversion (ggml_fp32_to_fp16_row, ggml's f16 stores) against ggml's scalar
// one: every f16 value, the halfway points between neighbours (ties to even), random floats,
// overflow, underflow and nan.
int check_f32_to_f16_conversion() {
  std::vector<float> x;
  for (int i = 0; i < 65536; ++i) {
    const float a = ggml_compute_fp16_to_fp32(static_cast<ggml_fp16_t>(i));
    const float b = ggml_compute_fp16_to_fp32(static_cast<ggml_fp16_t>(i + 1));
    x.push_back(a);
    if (std::isfinite(a) && std::isfinite(b)) x.push_back(a + (b - a) / 2);
  }
  for (float v : random_floats(100000)) x.push_back(v * 1000.0f);
  for (float v : {1e-8f, -1e-8f, 65504.0f, 65520.0f, 1e6f, -1e6f, INFINITY, -INFINITY, NAN, 1e-45f}) x.push_back(v);
  while (x.size() % 4) x.push_back(0.0f);
  std::vector<ggml_fp16_t> h(x.size());
  ggml_fp32_to_fp16_row(x.data(), h.data(), static_cast<int64_t>(x.size()));
  int bad = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const ggml_fp16_t want = ggml_compute_fp32_to_fp16(x[i]);
    if (h[i] != want && bad++ < 3) std::printf("f32 %.9g: f16 0x%04x, scalar 0x%04x\n", x[i], h[i], want);
  }
  return bad != 0;
}

void bench() {
  {
    const auto a = random_floats(64 * 64), b = random_floats(64 * 64);
    std::vector<float> c(64 * 64);
    fa_tile_ms<2, 2>(a.data(), b.data(), c.data());
    fa_tile_ms<4, 2>(a.data(), b.data(), c.data());
    fa_tile_ms<5, 2>(a.data(), b.data(), c.data());
    fa_tile_ms<6, 2>(a.data(), b.data(), c.data());
    fa_tile_ms<3, 3>(a.data(), b.data(), c.data());
    fa_tile_ms<4, 3>(a.data(), b.data(), c.data());
    fa_tile_ms<3, 4>(a.data(), b.data(), c.data());
    fa_tile_ms<2, 4>(a.data(), b.data(), c.data());
  }
  // The tiny model's encoder products (n_state 384, 1500 frames): attention projections and MLP.
  struct Shape {
    int64_t m, n, k;
  } shapes[] = {{384, 1500, 384}, {1536, 1500, 384}, {384, 1500, 1536}};
  for (const auto& s : shapes) {
    const int64_t nb = s.k / QK8_0;
    std::vector<block_q8_0> qa(s.m * nb), qb(s.n * nb);
    quantize_row_q8_0(random_floats(s.m * s.k).data(), qa.data(), s.m * s.k);
    quantize_row_q8_0(random_floats(s.n * s.k).data(), qb.data(), s.n * s.k);
    std::vector<ggml_fp16_t> ha(s.m * s.k), hb(s.n * s.k);
    ggml_fp32_to_fp16_row(random_floats(s.m * s.k).data(), ha.data(), s.m * s.k);
    ggml_fp32_to_fp16_row(random_floats(s.n * s.k).data(), hb.data(), s.n * s.k);
    std::vector<float> c(s.m * s.n);
    for (int t = 0; t < 2; ++t) {
      double best = 1e9;
      for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        if (t == 0)
          gemm(s.m, s.n, nb, qa.data(), nb, qb.data(), nb, c.data(), GGML_TYPE_Q8_0, 1);
        else
          gemm(s.m, s.n, s.k, ha.data(), s.k, hb.data(), s.k, c.data(), GGML_TYPE_F16, 1);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        best = ms < best ? ms : best;
      }
      std::printf("%-4s m=%lld n=%lld k=%lld: %7.2f ms, %5.2f GMAC/s\n", t == 0 ? "q8_0" : "f16", (long long)s.m,
                  (long long)s.n, (long long)s.k, best, double(s.m) * s.n * s.k / best / 1e6);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  ggml_cpu_init();  // the f16 table
  if (argc > 1 && std::strcmp(argv[1], "--bench") == 0) {
    bench();
    return 0;
  }
  int failed = check_f16_conversion() | check_f32_to_f16_conversion();
  // Every tail of the tiles (rows 1..5, columns 1..25) and whisper's own k sizes.
  for (int64_t m : {1, 4, 5, 7, 13})
    for (int64_t n : {8, 9, 11, 25, 40})
      for (int64_t k : {32, 96, 384})
        failed |= check_q8_0(m + 3, n, k, 1) | check_f16(m + 3, n, k + 4, 1) | check_f16(m + 3, n, k + 3, 1);
  // Attention's products: k is the frames or tokens attended to (the decoder's prompt over 551 frames).
  failed |= check_f16(64, 84, 551, 2) | check_f16(64, 9, 1, 1);
  // One token at a time (fewer than 8 columns): rows shared by the threads.
  failed |= check_f16(551, 1, 64, 2) | check_f16(64, 1, 551, 3) | check_f16(5, 7, 3, 2);
  failed |= check_f16(100, 3, 387, 1);                                   // A in several 32-row blocks and a tail
  failed |= check_q8_0(64, 100, 1536, 3) | check_f16(64, 100, 1152, 3);  // columns shared by 3 threads
  failed |= check_q8_0(3100, 9, 64, 1) | check_f16(3100, 9, 64, 1);      // A in several row blocks (like the logits)
  std::printf(failed
                  ? "FAIL\n"
                  : "ok: q8_0 bit-identical to ggml_vec_dot_q8_0_q8_0, f16 within rounding, f16 conversions exact\n");
  return failed;
}
