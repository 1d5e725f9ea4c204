// Messages between the page (client.ts) and the worker (worker.ts).
import type { FileTree } from "./memfs.js";

export type Stage = "fetching" | "compiling" | "running";

/** Guest folder path -> files in it. */
export type Mounts = Record<string, FileTree>;

/** The plain module, the one with CPython linked in, or a package's own ("package:<sha256>"). */
export type Variant = "plain" | "python" | `package:${string}`;

export type WorkerRequest =
  | { id: number; type: "load"; variant: Variant; module: WebAssembly.Module }
  | { id: number; type: "exec"; variant: Variant; args: string[]; stdin: string; mounts: Mounts; env: Record<string, string> };

export type WorkerResponse =
  | { id: number; type: "progress"; stage: Stage }
  | { id: number; type: "loaded" }
  | { id: number; type: "exited"; exitCode: number; stdout: string; stderr: string; runMs: number }
  | { id: number; type: "failed"; message: string };
