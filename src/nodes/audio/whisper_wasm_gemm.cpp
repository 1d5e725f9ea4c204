// Matrix multiplication for ggml inside the wasm (SIMD128, optionally relaxed SIMD), compiled into
// ggml-cpu for wasm32 only. ggml's own wasm path computes every output element as one dot product
// (ggml_vec_dot_*), converting f16 to f32 through a table lookup per element on every pass, so the
// f16 weights are converted again for each of the 1500 audio frames; the profile of the tiny model
// put 80% of the f16 time there. ggml calls llamafile_sgemm() first when GGML_USE_LLAMAFILE is
// defined (and falls back to its own path when it returns false), so this file provides that entry
// point: operands are converted once into f32 (f16) or i16 (q8_0) panels, then register-blocked
// kernels compute RM x RN outputs at a time.
//
// Arithmetic: q8_0 gives the same bits as ggml's wasm ggml_vec_dot_q8_0_q8_0 (same lane
// partition of the exact integer sums, same float order). f16 accumulates in f32 like ggml, but in
// a different order (and with fused multiply-add in the relaxed build): equal within tolerance.
#include <wasm_simd128.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "ggml-cpu-impl.h"
#include "ggml-impl.h"
#include "ggml-quants.h"
#include "llamafile/sgemm.h"
#include "simd-mappings.h"

namespace {

#if defined(__wasm_relaxed_simd__)
// One rounding instead of two; V8 lowers it to vfmadd where the CPU has FMA.
inline v128_t madd(v128_t a, v128_t b, v128_t acc) {
  return (v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)acc);
}
#else
inline v128_t madd(v128_t a, v128_t b, v128_t acc) { return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b)); }
#endif

inline float lane_sum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

// Scratch panels, one set per thread of ggml's pool (by its index: within one product each index
// is one thread, and the wasm runs one graph at a time), kept between calls since the encoder
// repeats the same shapes. Indexed rather than thread_local because the threads build starts new
// threads for every graph, and their thread_local storage would be lost each time. At namespace
// scope, built before main: a function's static would be built on first use, by two threads at
// once, and this libc++abi (no threads) aborts on that.
struct Scratch {
  std::vector<float> a, b, sa, sb;
  std::vector<int16_t> qa, qb;
};
Scratch scratch[GGML_MAX_N_THREADS];
Scratch& thread_scratch(int ith) { return scratch[ith]; }

// One f16 row of k values into kp >= k floats: converted with ggml's SIMD row conversion, and only
// the padding zeroed (the scratch is reused, so it holds the last call's values).
void pack_f16_row(const ggml_fp16_t* x, int64_t k, int64_t kp, float* y) {
  ggml_fp16_to_fp32_row(x, y, k);
  for (int64_t l = k; l < kp; ++l) y[l] = 0.0f;
}

// C[j][i] (+)= A[i] . B[j] over k floats (k % 4 == 0) for RM rows of A and RN rows of B.
template <int RM, int RN>
void f32_tile(const float* A, int64_t lda, const float* B, int64_t ldb, int64_t k, float* C, int64_t ldc, bool add) {
  v128_t acc[RM][RN];
  for (int i = 0; i < RM; ++i)
    for (int j = 0; j < RN; ++j) acc[i][j] = wasm_f32x4_splat(0.0f);
  for (int64_t l = 0; l < k; l += 4) {
    v128_t b[RN];
    for (int j = 0; j < RN; ++j) b[j] = wasm_v128_load(B + j * ldb + l);
    for (int i = 0; i < RM; ++i) {
      const v128_t a = wasm_v128_load(A + i * lda + l);
      for (int j = 0; j < RN; ++j) acc[i][j] = madd(a, b[j], acc[i][j]);
    }
  }
  for (int j = 0; j < RN; ++j)
    for (int i = 0; i < RM; ++i) {
      const float s = lane_sum(acc[i][j]);
      C[j * ldc + i] = add ? C[j * ldc + i] + s : s;
    }
}

constexpr int kRm = 4, kRn = 3;  // 12 accumulators + 3 B vectors + 1 A vector: V8's 16 xmm registers on x64

template <int RM>
void f32_rows(const float* A, int64_t lda, const float* B, int64_t ldb, int64_t n, int64_t k, float* C, int64_t ldc,
              bool add) {
  int64_t j = 0;
  for (; j + kRn <= n; j += kRn) f32_tile<RM, kRn>(A, lda, B + j * ldb, ldb, k, C + j * ldc, ldc, add);
  for (; j < n; ++j) f32_tile<RM, 1>(A, lda, B + j * ldb, ldb, k, C + j * ldc, ldc, add);
}

// C (m x n, column j at C + j*ldc) = A (m x k) * B (n x k)^T, f16 operands, f32 accumulation.
// Rows of A are converted this many at a time, so that the scratch stays small when A is large
// (a batch of tokens' logits: the whole vocabulary, 51865 rows) and the encoder's A fits in one go.
constexpr int64_t kMb = 1536;
// Columns are taken in groups that fit L1 (kRn rows of B), all rows of an A block for each group.
constexpr int64_t kNc = 24;

void gemm_f16(int ith, int64_t m, int64_t n, int64_t k, const ggml_fp16_t* A, int64_t lda, const ggml_fp16_t* B,
              int64_t ldb, float* C, int64_t ldc) {
  // k is cut into panels so that one A panel (a block of rows) stays in L2 while the B rows stream.
  constexpr int64_t kKc = 256;
  // Rows are packed kp long, zero-padded to whole vectors: attention's products have k = the
  // frames or tokens attended to, any number (adding 0 * a leaves each sum as it was).
  const int64_t kp = (k + 3) / 4 * 4;
  Scratch& s = thread_scratch(ith);
  s.b.resize(static_cast<size_t>(n * kp));
  for (int64_t j = 0; j < n; ++j) pack_f16_row(B + j * ldb, k, kp, s.b.data() + j * kp);
  // With one column group, each row of A is used once per k panel: converted 32 rows at a time it
  // is read back from L1/L2, not from memory (an f16 model's logits: 51865 rows per token).
  const int64_t rows = n <= kNc ? 32 : kMb;
  for (int64_t i0 = 0; i0 < m; i0 += rows) {
    const int64_t mb = m - i0 < rows ? m - i0 : rows;
    s.a.resize(static_cast<size_t>(mb * kp));
    for (int64_t i = 0; i < mb; ++i) pack_f16_row(A + (i0 + i) * lda, k, kp, s.a.data() + i * kp);
    for (int64_t l0 = 0; l0 < kp; l0 += kKc) {
      const int64_t kc = kp - l0 < kKc ? kp - l0 : kKc;
      const bool add = l0 > 0;
      for (int64_t j0 = 0; j0 < n; j0 += kNc) {
        const int64_t nc = n - j0 < kNc ? n - j0 : kNc;
        const float* b = s.b.data() + j0 * kp + l0;
        float* c = C + j0 * ldc + i0;
        int64_t i = 0;
        for (; i + kRm <= mb; i += kRm) f32_rows<kRm>(s.a.data() + i * kp + l0, kp, b, kp, nc, kc, c + i, ldc, add);
        for (; i < mb; ++i) f32_rows<1>(s.a.data() + i * kp + l0, kp, b, kp, nc, kc, c + i, ldc, add);
      }
    }
  }
}

// q8_0: a row is nb blocks of 32 int8 with an f16 scale. Packed as int16 (the widening ggml's
// wasm kernel does per dot product, done once here) and f32 scales.
void pack_q8_0(const block_q8_0* x, int64_t nb, int16_t* q, float* d) {
  for (int64_t ib = 0; ib < nb; ++ib) {
    const v128_t v0 = wasm_v128_load(x[ib].qs), v1 = wasm_v128_load(x[ib].qs + 16);
    int16_t* o = q + ib * 32;
    wasm_v128_store(o, wasm_i16x8_extend_low_i8x16(v0));
    wasm_v128_store(o + 8, wasm_i16x8_extend_high_i8x16(v0));
    wasm_v128_store(o + 16, wasm_i16x8_extend_low_i8x16(v1));
    wasm_v128_store(o + 24, wasm_i16x8_extend_high_i8x16(v1));
    d[ib] = GGML_CPU_FP16_TO_FP32(x[ib].d);
  }
}

template <int RM, int RN>
void q8_tile(const int16_t* A, const float* da, const int16_t* B, const float* db, int64_t nb, float* C, int64_t ldc) {
  const int64_t lq = nb * 32;
  v128_t acc[RM][RN];
  for (int i = 0; i < RM; ++i)
    for (int j = 0; j < RN; ++j) acc[i][j] = wasm_f32x4_splat(0.0f);
  for (int64_t ib = 0; ib < nb; ++ib) {
    // The integer sums are exact, so their order is free: only the lanes must match ggml's
    // ggml_vec_dot_q8_0_q8_0 (arch/wasm/quants.c), and then the same float steps per block.
    v128_t sum[RM][RN];
    for (int i = 0; i < RM; ++i)
      for (int j = 0; j < RN; ++j) sum[i][j] = wasm_i32x4_splat(0);
    for (int g = 0; g < 32; g += 8) {
      v128_t b[RN];
      for (int j = 0; j < RN; ++j) b[j] = wasm_v128_load(B + j * lq + ib * 32 + g);
      for (int i = 0; i < RM; ++i) {
        const v128_t a = wasm_v128_load(A + i * lq + ib * 32 + g);
        for (int j = 0; j < RN; ++j) sum[i][j] = wasm_i32x4_add(sum[i][j], wasm_i32x4_dot_i16x8(a, b[j]));
      }
    }
    for (int i = 0; i < RM; ++i)
      for (int j = 0; j < RN; ++j)
        acc[i][j] = wasm_f32x4_add(acc[i][j], wasm_f32x4_mul(wasm_f32x4_convert_i32x4(sum[i][j]),
                                                             wasm_f32x4_splat(da[i * nb + ib] * db[j * nb + ib])));
  }
  for (int j = 0; j < RN; ++j)
    for (int i = 0; i < RM; ++i) C[j * ldc + i] = lane_sum(acc[i][j]);
}

constexpr int kQm = 3, kQn = 2;  // 6 float and 6 integer accumulators, 2 B vectors, 1 A vector

template <int RM>
void q8_rows(const int16_t* A, const float* da, const int16_t* B, const float* db, int64_t n, int64_t nb, float* C,
             int64_t ldc) {
  int64_t j = 0;
  for (; j + kQn <= n; j += kQn) q8_tile<RM, kQn>(A, da, B + j * nb * 32, db + j * nb, nb, C + j * ldc, ldc);
  for (; j < n; ++j) q8_tile<RM, 1>(A, da, B + j * nb * 32, db + j * nb, nb, C + j * ldc, ldc);
}

void gemm_q8_0(int ith, int64_t m, int64_t n, int64_t nb, const block_q8_0* A, int64_t lda, const block_q8_0* B,
               int64_t ldb, float* C, int64_t ldc) {
  Scratch& s = thread_scratch(ith);
  s.qb.resize(static_cast<size_t>(n * nb * 32));
  s.sb.resize(static_cast<size_t>(n * nb));
  for (int64_t j = 0; j < n; ++j) pack_q8_0(B + j * ldb, nb, s.qb.data() + j * nb * 32, s.sb.data() + j * nb);
  for (int64_t i0 = 0; i0 < m; i0 += kMb) {
    const int64_t mb = m - i0 < kMb ? m - i0 : kMb;
    s.qa.resize(static_cast<size_t>(mb * nb * 32));
    s.sa.resize(static_cast<size_t>(mb * nb));
    for (int64_t i = 0; i < mb; ++i) pack_q8_0(A + (i0 + i) * lda, nb, s.qa.data() + i * nb * 32, s.sa.data() + i * nb);
    // Exact parity needs whole-k accumulation per output, so no k panels: columns in L1-sized
    // groups, every row of the block (int16, ~1 MB for the largest tiny-model matrix: L2) for each.
    constexpr int64_t kNc = 16;
    for (int64_t j0 = 0; j0 < n; j0 += kNc) {
      const int64_t nc = n - j0 < kNc ? n - j0 : kNc;
      const int16_t* b = s.qb.data() + j0 * nb * 32;
      const float* db = s.sb.data() + j0 * nb;
      float* c = C + j0 * ldc + i0;
      int64_t i = 0;
      for (; i + kQm <= mb; i += kQm)
        q8_rows<kQm>(s.qa.data() + i * nb * 32, s.sa.data() + i * nb, b, db, nc, nb, c + i, ldc);
      for (; i < mb; ++i) q8_rows<1>(s.qa.data() + i * nb * 32, s.sa.data() + i * nb, b, db, nc, nb, c + i, ldc);
    }
  }
}

}  // namespace

// ggml's contract (llamafile/sgemm.h): C[j*ldc + i] = sum over l of A[i*lda + l] * B[j*ldb + l],
// i < m, j < n, k elements (blocks for quantized types); every thread of the pool calls it and
// computes its share; false leaves the product to ggml's own kernels.
extern "C" bool llamafile_sgemm(const struct ggml_compute_params* params, int64_t m, int64_t n, int64_t k,
                                const void* A, int64_t lda, const void* B, int64_t ldb, void* C, int64_t ldc, int Atype,
                                int Btype, int Ctype) {
  if (Ctype != GGML_TYPE_F32 || m < 4) return false;
  const int ith = params->ith, nth = params->nth;
  if (Atype == GGML_TYPE_F16 && Btype == GGML_TYPE_F16 && n < 8) {
    // A few columns (the decoder's attention, one token at a time): rows are shared out instead,
    // and B is converted once per thread rather than once per row as ggml's dot products do.
    const int64_t i0 = m * ith / nth, i1 = m * (ith + 1) / nth;
    if (i1 > i0)
      gemm_f16(ith, i1 - i0, n, k, static_cast<const ggml_fp16_t*>(A) + i0 * lda, lda,
               static_cast<const ggml_fp16_t*>(B), ldb, static_cast<float*>(C) + i0, ldc);
    return true;
  }
  // A q8_0 matrix-vector product does not repay the packing.
  if (n < 8) return false;
  // Columns of C are shared out between the threads.
  const int64_t j0 = n * ith / nth, j1 = n * (ith + 1) / nth;
  float* c = static_cast<float*>(C) + j0 * ldc;
  if (Atype == GGML_TYPE_F16 && Btype == GGML_TYPE_F16) {
    if (j1 > j0)
      gemm_f16(ith, m, j1 - j0, k, static_cast<const ggml_fp16_t*>(A), lda,
               static_cast<const ggml_fp16_t*>(B) + j0 * ldb, ldb, c, ldc);
    return true;
  }
  if (Atype == GGML_TYPE_Q8_0 && Btype == GGML_TYPE_Q8_0) {
    if (j1 > j0)
      gemm_q8_0(ith, m, j1 - j0, k, static_cast<const block_q8_0*>(A), lda,
                static_cast<const block_q8_0*>(B) + j0 * ldb, ldb, c, ldc);
    return true;
  }
  return false;
}
