// Running pipelines through the CLI contract the WASI module shares with the native build:
// `remotemedia run -` with {"manifest", "input_data"} on stdin, errors as JSON on stderr.
import type { Fd } from "@bjorn3/browser_wasi_shim";
import { runCommand } from "./host.js";

export interface GraphInfo {
  node_count: number;
  source_count: number;
  sink_count: number;
  execution_order: string[];
}

export interface PipelineResult {
  status: "success";
  outputs: unknown[];
  execution_time_ms: number;
  graph_info: GraphInfo;
}

/** The runtime's error object, exactly as the native CLI prints it. */
export interface RuntimeErrorObject {
  type: "usage_error" | "invalid_input" | "runtime_error" | "internal_error" | "trap";
  code: string;
  message: string;
  node?: string;
  field?: string;
  suggestion?: string;
  line?: number;
  column?: number;
  item?: number;
  traceback?: string;
}

export class RemoteMediaError extends Error {
  constructor(
    readonly error: RuntimeErrorObject,
    readonly exitCode: number,
  ) {
    super(error.message);
    this.name = "RemoteMediaError";
  }
}

export interface RawRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface PipelineOptions {
  preopens?: Fd[];
  /** Extra CLI arguments, e.g. ["--pretty"]. */
  extraArgs?: string[];
}

const encoder = new TextEncoder();

function collect(): { sink: (b: Uint8Array) => void; text: () => string } {
  const chunks: Uint8Array[] = [];
  return {
    sink: (b) => chunks.push(b.slice()),
    text: () => {
      const decoder = new TextDecoder();
      return chunks.map((c) => decoder.decode(c, { stream: true })).join("") + decoder.decode();
    },
  };
}

/**
 * Runs a pipeline and returns the command's raw stdout and stderr. `manifest` and `inputs` may be
 * JSON text, so that numbers keep their exact spelling (1.0 stays a float).
 */
export async function runPipelineRaw(
  module: WebAssembly.Module,
  manifest: object | string,
  inputs: unknown[] | string,
  options: PipelineOptions = {},
): Promise<RawRun> {
  const manifestText = typeof manifest === "string" ? manifest : JSON.stringify(manifest);
  const inputText = typeof inputs === "string" ? inputs : JSON.stringify(inputs);
  const request = `{"manifest":${manifestText},"input_data":${inputText}}`;
  const out = collect();
  const err = collect();
  const r = await runCommand(module, {
    args: ["run", "-", "--error-format", "json", ...(options.extraArgs ?? [])],
    stdin: encoder.encode(request),
    stdout: out.sink,
    stderr: err.sink,
    preopens: options.preopens,
  });
  let stderr = err.text();
  if (r.trap) stderr += JSON.stringify({ status: "error", error: { type: "trap", code: "wasm_trap", message: r.trap } }) + "\n";
  return { exitCode: r.exitCode, stdout: out.text(), stderr };
}

/** The last JSON error object printed on stderr, or a generic one. */
export function parseError(raw: RawRun): RemoteMediaError {
  const line = raw.stderr.split("\n").filter((l) => l.startsWith("{")).pop();
  if (line) {
    try {
      const parsed = JSON.parse(line) as { error?: RuntimeErrorObject };
      if (parsed.error) return new RemoteMediaError(parsed.error, raw.exitCode);
    } catch {
      /* fall through */
    }
  }
  return new RemoteMediaError(
    { type: "internal_error", code: "no_error_object", message: raw.stderr.trim() || `exit code ${raw.exitCode}` },
    raw.exitCode,
  );
}

/** Runs a pipeline; resolves with the parsed result or rejects with a RemoteMediaError. */
export async function runPipeline(
  module: WebAssembly.Module,
  manifest: object | string,
  inputs: unknown[] | string,
  options: PipelineOptions = {},
): Promise<PipelineResult> {
  const raw = await runPipelineRaw(module, manifest, inputs, options);
  if (raw.exitCode !== 0) throw parseError(raw);
  return JSON.parse(raw.stdout) as PipelineResult;
}
