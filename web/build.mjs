// Bundles the runner: the browser library, its worker, and the Node entry.
import * as esbuild from "esbuild";

const common = { bundle: true, format: "esm", sourcemap: true, target: "es2022", logLevel: "warning" };
await Promise.all([
  esbuild.build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js", platform: "browser" }),
  esbuild.build({ ...common, entryPoints: ["src/worker.ts"], outfile: "dist/worker.js", platform: "browser" }),
  esbuild.build({ ...common, entryPoints: ["src/node.ts"], outfile: "dist/node.js", platform: "node", target: "node20" }),
]);
