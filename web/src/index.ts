// Browser entry of @remotemedia/web.
export { RemoteMediaRunner, RemoteMediaSession } from "./client.js";
export type { RunnerOptions, RunOutcome, Timings, ProgressDetail, SessionOptions, PythonBuild } from "./client.js";
export { download, clearDownloads } from "./download.js";
export type { DownloadProgress, DownloadOptions } from "./download.js";
export { RemoteMediaError, resultOf } from "./pipeline.js";
export { PackageError, describePackage, digestList, parsePublicKey } from "./package.js";
export type { RmPackage, Trust, TrustPolicy, PackageOptions } from "./package.js";
export type { PipelineResult, RuntimeErrorObject, GraphInfo, RawRun } from "./pipeline.js";
export type { FileTree } from "./memfs.js";
export type { Stage, Mounts } from "./protocol.js";
