// Running pipelines through the CLI contract the WASI module shares with the native build:
// `remotemedia run -` with {"manifest", "input_data"} on stdin, errors as JSON on stderr.
import type { Fd } from "@bjorn3/browser_wasi_shim";
import { runCommandCaptured, type RawRun } from "./host.js";

export type { RawRun } from "./host.js";

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

export interface PipelineOptions {
  preopens?: Fd[];
  /** Extra CLI arguments, e.g. ["--pretty"]. */
  extraArgs?: string[];
}

/** The CLI arguments of a pipeline run whose request comes on stdin. */
export function pipelineArgs(extraArgs: string[] = []): string[] {
  return ["run", "-", "--error-format", "json", ...extraArgs];
}

/**
 * The stdin request. `manifest` and `inputs` may be JSON text, so that numbers keep their exact
 * spelling (1.0 stays a float).
 */
export function pipelineRequest(manifest: object | string, inputs: unknown[] | string): string {
  const manifestText = typeof manifest === "string" ? manifest : JSON.stringify(manifest);
  const inputText = typeof inputs === "string" ? inputs : JSON.stringify(inputs);
  return `{"manifest":${manifestText},"input_data":${inputText}}`;
}

/** Runs a pipeline and returns the command's raw exit code, stdout and stderr. */
export async function runPipelineRaw(
  module: WebAssembly.Module,
  manifest: object | string,
  inputs: unknown[] | string,
  options: PipelineOptions = {},
): Promise<RawRun> {
  return runCommandCaptured(module, {
    args: pipelineArgs(options.extraArgs),
    stdin: new TextEncoder().encode(pipelineRequest(manifest, inputs)),
    preopens: options.preopens,
  });
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

/** The parsed result of a run, or the RemoteMediaError it ended with. */
export function resultOf(raw: RawRun): PipelineResult {
  if (raw.exitCode !== 0) throw parseError(raw);
  return JSON.parse(raw.stdout) as PipelineResult;
}

/** Runs a pipeline; resolves with the parsed result or rejects with a RemoteMediaError. */
export async function runPipeline(
  module: WebAssembly.Module,
  manifest: object | string,
  inputs: unknown[] | string,
  options: PipelineOptions = {},
): Promise<PipelineResult> {
  return resultOf(await runPipelineRaw(module, manifest, inputs, options));
}
