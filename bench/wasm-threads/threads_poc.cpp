// Threads for ggml in the wasm, the smallest working form: the host starts workers (Node
// worker_threads, or Web Workers in a cross-origin-isolated page) that instantiate this module
// again over the same shared WebAssembly.Memory, give each its own stack and TLS block, and run
// one share of a q8_0 matrix product (whisper_wasm_gemm.cpp, split by columns as ggml's thread
// pool splits it). No thread-capable wasi-libc is needed because the workers only compute: only
// the first thread calls into libc (malloc, WASI). See docs/audio.md, "Threads in the browser".
// Built as a reactor by the WASI builds (wasm_threads_poc.wasm); run by run-node.mjs and
// run-chromium.mjs.
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include "ggml-cpu-impl.h"
#include "ggml-cpu.h"
#include "ggml-quants.h"
#include "llamafile/sgemm.h"
#include "quants.h"

namespace {
block_q8_0 *a = nullptr, *b = nullptr;
float* c = nullptr;
int rows = 0, cols = 0, blocks = 0;
}  // namespace

extern "C" {

__attribute__((export_name("alloc"))) void* alloc(int n) { return std::aligned_alloc(64, (n + 63) / 64 * 64); }

// A new thread's stack: the module's __stack_pointer global is per instance, and every instance
// starts with the first thread's value.
__attribute__((export_name("set_stack_pointer"))) void set_stack_pointer(void* top) {
  __asm__ volatile(".globaltype __stack_pointer, i32\n\tlocal.get %0\n\tglobal.set __stack_pointer" : : "r"(top));
}

__attribute__((export_name("setup"))) void setup(int m, int n, int k) {
  ggml_cpu_init();
  rows = m;
  cols = n;
  blocks = k / QK8_0;
  std::mt19937 rng(1);
  std::normal_distribution<float> d;
  std::vector<float> x(static_cast<std::size_t>(m) * k), y(static_cast<std::size_t>(n) * k);
  for (auto& v : x) v = d(rng);
  for (auto& v : y) v = d(rng);
  a = static_cast<block_q8_0*>(std::malloc(sizeof(block_q8_0) * m * blocks));
  b = static_cast<block_q8_0*>(std::malloc(sizeof(block_q8_0) * n * blocks));
  c = static_cast<float*>(std::malloc(sizeof(float) * m * n));
  quantize_row_q8_0(x.data(), a, static_cast<int64_t>(m) * k);
  quantize_row_q8_0(y.data(), b, static_cast<int64_t>(n) * k);
}

__attribute__((export_name("work"))) int work(int ith, int nth) {
  ggml_compute_params p{};
  p.ith = ith;
  p.nth = nth;
  return llamafile_sgemm(&p, rows, cols, blocks, a, blocks, b, blocks, c, rows, GGML_TYPE_Q8_0, GGML_TYPE_Q8_0,
                         GGML_TYPE_F32);
}

__attribute__((export_name("checksum"))) double checksum() {
  double s = 0;
  for (int i = 0; i < rows * cols; ++i) s += c[i];
  return s;
}
}
