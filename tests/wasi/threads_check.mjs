#!/usr/bin/env node
// Runs tests/wasi/threads_check.c's checks through the web runner's Node host with thread workers
// (tools/remotemedia-wasi --threads N): each must print "ok", and a trapping thread must stop the
// command (exit 134, what it printed and the trap on stderr) instead of leaving it waiting.
// Usage: threads_check.mjs THREADS_CHECK.wasm
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const [module] = process.argv.slice(2);
const runner = fileURLToPath(new URL("../../tools/remotemedia-wasi", import.meta.url));
const run = (threads, what) =>
  spawnSync(process.execPath, [runner, "--threads", String(threads), "--module", module, what], { encoding: "utf8", timeout: 60000 });

const failures = [];
for (const threads of [2, 3, 4]) {
  for (const what of ["locks", "handoff", "join", "too-many"]) {
    const r = run(threads, what);
    if (r.status !== 0 || r.stdout.trim() !== "ok") failures.push(`${what} with ${threads} threads: exit ${r.status}: ${r.stdout}${r.stderr}`);
  }
}
for (const what of ["trap-join", "trap-poll"]) {
  const r = run(2, what);
  if (r.status !== 134 || !/thread 1 trapped: RuntimeError: unreachable/.test(r.stderr) || !/a worker thread trapped/.test(r.stderr) ||
      !/about to trap/.test(r.stderr))
    failures.push(`${what}: expected exit 134, and the thread's output and the trap on stderr, got exit ${r.status}: ${r.stdout}${r.stderr}`);
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("threads runtime: all checks passed");
