// Browser benchmark (Chromium via playwright-core), measured in one run:
//   * cold page load to first result (fresh profile, empty HTTP cache) for the calculator example,
//   * warm page load to first result (same profile, reloaded: HTTP cache and V8's wasm code cache),
//   * bytes of remotemedia.wasm transferred (gzip from tools/serve) and its size,
//   * the runner's overhead per run: a run's wall time in the page minus the executor's own time.
// Usage: node web/bench/browser-bench.mjs [--runs 20] [--example text-processor.json]
import http from "node:http";
import { statSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, repo, startServer } from "../test/chromium.mjs";

const runs = process.argv.includes("--runs") ? Number(process.argv[process.argv.indexOf("--runs") + 1]) : 20;

const { server, base } = await startServer();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const example = process.argv.includes("--example") ? process.argv[process.argv.indexOf("--example") + 1] : "calculator.json";

async function firstResult(page) {
  await page.goto(`${base}?autorun&example=${example}`);
  await page.waitForFunction(() => document.body.dataset.firstResultMs !== undefined, null, { timeout: 60000 });
  return Number(await page.evaluate(() => document.body.dataset.firstResultMs));
}

const cold = [], warm = [];
// What the server sends for the module to a browser that accepts gzip.
const transferred = await new Promise((resolve, reject) => {
  http.get(`${base}remotemedia.wasm`, { headers: { "Accept-Encoding": "gzip" } }, (res) => {
    let n = 0;
    res.on("data", (d) => (n += d.length));
    res.on("end", () => resolve(`${n} bytes (${res.headers["content-encoding"] ?? "identity"})`));
  }).on("error", reject);
});
for (let i = 0; i < 5; ++i) {
  const { page, close } = await launchChromium([], "rm-bench-");
  cold.push(await firstResult(page));
  for (let k = 0; k < 3; ++k) warm.push(await firstResult(page));
  if (i === 4) {
    // Runner overhead per run, in the warm page.
    const r = await page.evaluate(async (runs) => {
      const manifest = await (await fetch("/examples/calculator.json")).text();
      const wall = [], inside = [];
      for (let k = 0; k < runs; ++k) {
        const t0 = performance.now();
        const { result } = await window.remoteMedia.run(manifest, "[1, 2, 3]");
        wall.push(performance.now() - t0);
        inside.push(result.execution_time_ms);
      }
      return { wall, inside };
    }, runs);
    const overhead = r.wall.map((w, k) => w - r.inside[k]);
    console.log(`runner overhead per run (median of ${runs}): ${median(overhead).toFixed(2)} ms ` +
      `(wall ${median(r.wall).toFixed(2)} ms, executor ${median(r.inside).toFixed(3)} ms)`);
  }
  await close();
}
server.kill();
const size = statSync(join(repo, "build/wasi/remotemedia.wasm")).size;
console.log(`example: ${example}`);
console.log(`cold page load to first result (median of ${cold.length}): ${median(cold).toFixed(1)} ms`);
console.log(`warm page load to first result (median of ${warm.length}): ${median(warm).toFixed(1)} ms`);
console.log(`remotemedia.wasm: ${size} bytes, transferred: ${transferred}`);
