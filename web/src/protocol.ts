// Messages between the page (client.ts) and the worker (worker.ts).
import type { FileTree } from "./memfs.js";
import type { RuntimeErrorObject } from "./pipeline.js";

export type Stage = "fetching" | "compiling" | "running";

export type WorkerRequest =
  | { id: number; type: "load"; url: string }
  | { id: number; type: "run"; manifest: object | string; inputs: unknown[] | string; files?: Record<string, FileTree> };

export type WorkerResponse =
  | { id: number; type: "progress"; stage: Stage }
  | { id: number; type: "loaded"; fetchMs: number; compileMs: number; bytes: number; cached: boolean }
  | { id: number; type: "result"; stdout: string; stderr: string; runMs: number }
  | { id: number; type: "failed"; error: RuntimeErrorObject; exitCode: number; stderr: string; runMs: number };
