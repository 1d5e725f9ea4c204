// In-memory folders for the guest (the browser has no host file system): a flat map of
// relative paths to bytes becomes a preopened directory tree.
import { Directory, File, Inode, OpenDirectory, OpenFile, PreopenDirectory, wasi } from "@bjorn3/browser_wasi_shim";

export type FileTree = Record<string, Uint8Array>;

export interface PreopenOptions {
  /**
   * Nothing in the folder can be changed, added or removed (ERRNO_ROFS), through any fd: the
   * guest's /usr (the Python stdlib and the remotemedia package) is mapped this way everywhere.
   */
  readonly?: boolean;
}

export function memoryPreopen(guestPath: string, files: FileTree, options: PreopenOptions = {}): PreopenDirectory {
  const root = new Map<string, Inode>();
  for (const [path, data] of Object.entries(files)) {
    const parts = path.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.length === 0 || parts.includes("..")) throw new Error(`invalid path in file tree: ${path}`);
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.get(part);
      if (!(next instanceof Directory)) {
        next = new Directory(new Map());
        dir.set(part, next);
      }
      dir = (next as Directory).contents;
    }
    dir.set(parts[parts.length - 1], new File(data, { readonly: options.readonly }));
  }
  return options.readonly ? new ReadOnlyPreopen(guestPath, root) : new PreopenDirectory(guestPath, root);
}

/** Reads a file the guest wrote into an in-memory preopen, or undefined. */
export function readMemoryFile(dir: PreopenDirectory, path: string): Uint8Array | undefined {
  let node: Inode | undefined = dir.dir;
  for (const part of path.split("/").filter((p) => p !== "" && p !== ".")) {
    if (!(node instanceof Directory)) return undefined;
    node = node.contents.get(part);
  }
  return node instanceof File ? node.data : undefined;
}

// ---- read-only folders: every operation that would change the tree fails with ERRNO_ROFS, and
// the fds opened through them (files and subfolders) are read-only too.

const WRITE_RIGHTS = BigInt(wasi.RIGHTS_FD_WRITE | wasi.RIGHTS_FD_ALLOCATE | wasi.RIGHTS_FD_FILESTAT_SET_SIZE);

class ReadOnlyFile extends OpenFile {
  fd_write() {
    return { ret: wasi.ERRNO_BADF, nwritten: 0 };
  }
  fd_pwrite() {
    return { ret: wasi.ERRNO_BADF, nwritten: 0 };
  }
  fd_allocate() {
    return wasi.ERRNO_BADF;
  }
  fd_filestat_set_size() {
    return wasi.ERRNO_BADF;
  }
}

function readOnlyOpen(
  dir: OpenDirectory,
  open: (dirflags: number, path: string, oflags: number, rights: bigint, inheriting: bigint, fdflags: number) => ReturnType<OpenDirectory["path_open"]>,
  dirflags: number, path: string, oflags: number, rights: bigint, inheriting: bigint, fdflags: number,
): ReturnType<OpenDirectory["path_open"]> {
  if (oflags & (wasi.OFLAGS_CREAT | wasi.OFLAGS_TRUNC) || rights & WRITE_RIGHTS || fdflags & wasi.FDFLAGS_APPEND) {
    // Creating is refused even where the name exists: what matters is that nothing changes.
    return { ret: wasi.ERRNO_ROFS, fd_obj: null };
  }
  const r = open.call(dir, dirflags, path, oflags, rights, inheriting, fdflags);
  if (r.fd_obj instanceof OpenFile) return { ret: r.ret, fd_obj: new ReadOnlyFile(r.fd_obj.file) };
  if (r.fd_obj instanceof OpenDirectory) return { ret: r.ret, fd_obj: new ReadOnlyDirectory(r.fd_obj.dir) };
  return r;
}

// The mutating operations of a folder fd, all refused.
const refused = {
  path_create_directory: () => wasi.ERRNO_ROFS,
  path_link: () => wasi.ERRNO_ROFS,
  path_unlink: () => ({ ret: wasi.ERRNO_ROFS, inode_obj: null }),
  path_unlink_file: () => wasi.ERRNO_ROFS,
  path_remove_directory: () => wasi.ERRNO_ROFS,
  path_filestat_set_times: () => wasi.ERRNO_ROFS,
  fd_filestat_set_times: () => wasi.ERRNO_ROFS,
};

class ReadOnlyDirectory extends OpenDirectory {
  path_open(dirflags: number, path: string, oflags: number, rights: bigint, inheriting: bigint, fdflags: number) {
    return readOnlyOpen(this, OpenDirectory.prototype.path_open, dirflags, path, oflags, rights, inheriting, fdflags);
  }
}

class ReadOnlyPreopen extends PreopenDirectory {
  path_open(dirflags: number, path: string, oflags: number, rights: bigint, inheriting: bigint, fdflags: number) {
    return readOnlyOpen(this, OpenDirectory.prototype.path_open, dirflags, path, oflags, rights, inheriting, fdflags);
  }
}

for (const cls of [ReadOnlyDirectory, ReadOnlyPreopen]) Object.assign(cls.prototype, refused);
