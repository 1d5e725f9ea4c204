// What the browser tests and benchmarks share: tools/serve on a free port, and Debian's Chromium,
// headless, in a fresh profile (never a downloaded browser).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repo = fileURLToPath(new URL("../..", import.meta.url));
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** tools/serve on a free port: { server, base } (base ends with "/"). */
export async function startServer() {
  const server = spawn(process.execPath, [join(repo, "tools/serve"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((resolve, reject) => {
    server.stdout.on("data", (d) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(d.toString());
      if (m) resolve(m[0]);
    });
    server.on("exit", (code) => reject(new Error(`tools/serve exited with ${code}`)));
  });
  return { server, base };
}

/** Chromium in a fresh profile: { context, page, profile, close() } (close removes the profile). */
export async function launchChromium(extraArgs = [], prefix = "rm-chromium-") {
  const profile = mkdtempSync(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium", headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, profile, close };
}
