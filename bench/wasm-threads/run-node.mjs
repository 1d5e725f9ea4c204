// node bench/wasm-threads/run-node.mjs [THREADS] [MODULE]: a q8_0 matrix product (1536 x 1500 x 384,
// the tiny model's MLP shape) on 1 thread, then split over THREADS worker_threads sharing one wasm
// memory; prints both times and whether the results are the same bits. Exit 1 if they differ.
import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { firstThread, otherThread } from "./host.js";

const writeErr = (b) => process.stderr.write(b);
if (isMainThread) {
  const repo = fileURLToPath(new URL("../..", import.meta.url));
  const threads = Number(process.argv[2] ?? availableParallelism());
  const module = await WebAssembly.compile(readFileSync(process.argv[3] ?? join(repo, "build/wasi-python/wasm_threads_poc.wasm")));
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 16384, shared: true });
  const shape = [1536, 1500, 384];
  const { x, others } = await firstThread(module, memory, threads, shape, writeErr);
  const workers = await Promise.all(others.map(async (slot) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { module, memory, slot } });
    await new Promise((r) => w.once("message", r));
    return w;
  }));
  const run = (w, ith, nth) => new Promise((r) => { w.once("message", r); w.postMessage({ ith, nth }); });
  const time = async (nth) => {
    let best = Infinity;
    for (let rep = 0; rep < 7; ++rep) {
      const t0 = performance.now();
      const rest = workers.slice(0, nth - 1).map((w, i) => run(w, i + 1, nth));
      x.work(0, nth);
      await Promise.all(rest);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  // One thread at a time first: each thread's scratch panels are allocated on its first product
  // (libc's malloc is single-threaded); later products reuse them.
  for (let i = 0; i < workers.length; ++i) await run(workers[i], i + 1, threads);
  x.work(0, threads);
  const one = await time(1), sumOne = x.checksum();
  const many = await time(threads), sumMany = x.checksum();
  const gmac = (ms) => ((shape[0] * shape[1] * shape[2]) / ms / 1e6).toFixed(1);
  console.log(`node: q8_0 ${shape.join("x")}: 1 thread ${one.toFixed(1)} ms (${gmac(one)} GMAC/s), ${threads} threads ` +
    `${many.toFixed(1)} ms (${gmac(many)} GMAC/s), speed-up ${(one / many).toFixed(2)}; same bits: ${sumOne === sumMany}`);
  for (const w of workers) await w.terminate();
  process.exitCode = sumOne === sumMany ? 0 : 1;
} else {
  const x = await otherThread(workerData.module, workerData.memory, workerData.slot, writeErr);
  parentPort.on("message", ({ ith, nth }) => (x.work(ith, nth), parentPort.postMessage("done")));
  parentPort.postMessage("ready");
}
