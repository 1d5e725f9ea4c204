// Bundles the runner: the browser library, its worker, the Node entry, and their thread workers.
import * as esbuild from "esbuild";

const common = { bundle: true, format: "esm", sourcemap: true, target: "es2022", logLevel: "warning" };
await Promise.all([
  esbuild.build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js", platform: "browser" }),
  esbuild.build({ ...common, entryPoints: ["src/worker.ts"], outfile: "dist/worker.js", platform: "browser" }),
  esbuild.build({ ...common, entryPoints: ["src/thread-worker.ts"], outfile: "dist/thread-worker.js", platform: "browser" }),
  esbuild.build({ ...common, entryPoints: ["src/thread-worker-node.ts"], outfile: "dist/thread-worker-node.js", platform: "node", target: "node20" }),
  esbuild.build({ ...common, entryPoints: ["src/node.ts"], outfile: "dist/node.js", platform: "node", target: "node20" }),
]);
