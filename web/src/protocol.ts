// Messages between the page (client.ts) and the worker (worker.ts).
import type { FileTree } from "./memfs.js";

export type Stage = "fetching" | "compiling" | "running";

/** Guest folder path -> files in it. */
export type Mounts = Record<string, FileTree>;

/** The plain module, the one with CPython linked in, or a package's own ("package:<sha256>"). */
export type Variant = "plain" | "python" | `package:${string}`;

export type WorkerRequest =
  | { id: number; type: "load"; variant: Variant; module: WebAssembly.Module }
  | { id: number; type: "exec"; variant: Variant; args: string[]; stdin: string; mounts: Mounts; env: Record<string, string> }
  /** A session: the command's stdin is the pipe (pipe.ts) the page writes the items into. */
  | { id: number; type: "session"; variant: Variant; args: string[]; input: SharedArrayBuffer; mounts: Mounts; env: Record<string, string> };

export type WorkerResponse =
  | { id: number; type: "progress"; stage: Stage }
  | { id: number; type: "loaded" }
  /** The session's command reads its first item: its nodes are open. */
  | { id: number; type: "opened" }
  /** What the session's command printed on stdout, as it prints it. */
  | { id: number; type: "output"; text: string }
  | { id: number; type: "exited"; exitCode: number; stdout: string; stderr: string; runMs: number }
  | { id: number; type: "failed"; message: string };
