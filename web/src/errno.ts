// Node's error codes (e.code of an fs or stream error) as the WASI errno the guest sees: one
// mapping for the host folders (nodefs.ts) and for stdout/stderr (host.ts).
import { wasi } from "@bjorn3/browser_wasi_shim";

const ERRNOS: Record<string, number> = {
  ENOENT: wasi.ERRNO_NOENT,
  EACCES: wasi.ERRNO_ACCES,
  EPERM: wasi.ERRNO_PERM,
  EISDIR: wasi.ERRNO_ISDIR,
  ENOTDIR: wasi.ERRNO_NOTDIR,
  EEXIST: wasi.ERRNO_EXIST,
  ENOTEMPTY: wasi.ERRNO_NOTEMPTY,
  EBADF: wasi.ERRNO_BADF,
  ELOOP: wasi.ERRNO_LOOP,
  EROFS: wasi.ERRNO_ROFS,
  ENOSPC: wasi.ERRNO_NOSPC,
  EPIPE: wasi.ERRNO_PIPE,
  EAGAIN: wasi.ERRNO_AGAIN,
  EFBIG: wasi.ERRNO_FBIG,
};

/** The WASI errno of a thrown Node error (ERRNO_IO for anything else). */
export function errnoOf(e: unknown): number {
  return ERRNOS[(e as { code?: string } | null)?.code ?? ""] ?? wasi.ERRNO_IO;
}
