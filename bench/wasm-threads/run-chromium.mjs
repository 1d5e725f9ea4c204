// node bench/wasm-threads/run-chromium.mjs [THREADS]: run-node.mjs's measurement in Chromium, each
// wasm thread a Web Worker over one shared WebAssembly.Memory, in a page served by tools/serve
// (COOP/COEP: cross-origin isolated, so memory can be shared). The page's own thread may not block,
// so the first wasm thread is a worker too. Exit 1 if the split result differs.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const { launchChromium, startServer } = await import(join(repo, "web/test/chromium.mjs"));  // needs web's node_modules
const threads = Number(process.argv[2] ?? availableParallelism());
const { server, base } = await startServer();
const { page, close } = await launchChromium([], "rm-threads-");
try {
  // The worker scripts need the same isolation headers as the page to receive shared memory.
  const headers = { "Cross-Origin-Resource-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Opener-Policy": "same-origin" };
  const files = { "poc.wasm": [join(repo, "build/wasi-python/wasm_threads_poc.wasm"), "application/wasm"],
    "worker.js": [join(repo, "bench/wasm-threads/worker.js"), "text/javascript"],
    "host.js": [join(repo, "bench/wasm-threads/host.js"), "text/javascript"] };
  await page.route("**/threads-poc/*", (route) => {
    const [path, type] = files[new URL(route.request().url()).pathname.split("/").pop()];
    route.fulfill({ body: readFileSync(path), headers: { ...headers, "Content-Type": type } });
  });
  page.on("console", (m) => console.log(`page: ${m.text()}`));
  await page.goto(base);
  const shape = [1536, 1500, 384];
  const out = await page.evaluate(async ({ threads, shape }) => {
    const module = await WebAssembly.compileStreaming(fetch("/threads-poc/poc.wasm"));
    const memory = new WebAssembly.Memory({ initial: 256, maximum: 16384, shared: true });
    const call = (w, msg) => new Promise((resolve, reject) => {
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => reject(new Error(e.message));
      w.onmessageerror = () => reject(new Error("the worker could not receive the message (not cross-origin isolated?)"));
      w.postMessage(msg);
    });
    const spawn = () => new Worker("/threads-poc/worker.js", { type: "module" });
    const first = spawn();
    const { others } = await call(first, { first: true, module, memory, threads, shape });
    const workers = [first];
    for (const slot of others) {
      const w = spawn();
      await call(w, { slot, module, memory });
      workers.push(w);
    }
    for (let i = 0; i < workers.length; ++i) await call(workers[i], { ith: i, nth: threads });  // one at a time first
    const time = async (nth) => {
      let best = Infinity;
      for (let rep = 0; rep < 7; ++rep) {
        const t0 = performance.now();
        await Promise.all(workers.slice(0, nth).map((w, i) => call(w, { ith: i, nth })));
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const one = await time(1), sumOne = await call(first, { checksum: true });
    const many = await time(threads), sumMany = await call(first, { checksum: true });
    return { isolated: crossOriginIsolated, one, many, same: sumOne === sumMany };
  }, { threads, shape });
  const gmac = (ms) => ((shape[0] * shape[1] * shape[2]) / ms / 1e6).toFixed(1);
  console.log(`chromium (cross-origin isolated: ${out.isolated}): q8_0 ${shape.join("x")}: 1 thread ${out.one.toFixed(1)} ms ` +
    `(${gmac(out.one)} GMAC/s), ${threads} threads ${out.many.toFixed(1)} ms (${gmac(out.many)} GMAC/s), ` +
    `speed-up ${(out.one / out.many).toFixed(2)}; same bits: ${out.same}`);
  process.exitCode = out.same ? 0 : 1;
} finally {
  await close();
  server.kill();
}
