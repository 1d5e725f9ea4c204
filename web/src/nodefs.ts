// A host folder preopened for the guest under Node, like `wasmtime --dir HOST::GUEST`: files are
// read and written in place (a large model is never copied into memory), and no path, `..` or
// symlink can reach outside the folder: every component of a path is looked at (lstat), each
// symlink on the way is resolved by hand and must stay inside, and the final open does not follow
// links (O_NOFOLLOW), so a dangling link cannot make O_CREAT create a file elsewhere.
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { Fd, wasi } from "@bjorn3/browser_wasi_shim";
import { errnoOf } from "./errno.js";

const ALL_RIGHTS = 0x1fffffffn;
const READ_RIGHTS = ALL_RIGHTS & ~BigInt(wasi.RIGHTS_FD_WRITE | wasi.RIGHTS_FD_ALLOCATE | wasi.RIGHTS_FD_FILESTAT_SET_SIZE);
const LOOKUPFLAGS_SYMLINK_FOLLOW = 1;
const MAX_SYMLINKS = 40; // as Linux

function filetypeOf(st: fs.BigIntStats): number {
  if (st.isDirectory()) return wasi.FILETYPE_DIRECTORY;
  if (st.isFile()) return wasi.FILETYPE_REGULAR_FILE;
  if (st.isSymbolicLink()) return wasi.FILETYPE_SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return wasi.FILETYPE_CHARACTER_DEVICE;
  return wasi.FILETYPE_UNKNOWN;
}

function filestatOf(st: fs.BigIntStats): wasi.Filestat {
  const f = new wasi.Filestat(st.ino, filetypeOf(st), st.size);
  f.atim = st.atimeNs;
  f.mtim = st.mtimeNs;
  f.ctim = st.ctimeNs;
  return f;
}

class HostFile extends Fd {
  private pos = 0n;
  constructor(private readonly fd: number, private readonly append: boolean, private readonly writable: boolean) {
    super();
  }
  fd_fdstat_get() {
    const st = new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, this.append ? wasi.FDFLAGS_APPEND : 0);
    st.fs_rights_base = this.writable ? ALL_RIGHTS : READ_RIGHTS;
    return { ret: 0, fdstat: st };
  }
  fd_filestat_get() {
    return { ret: 0, filestat: filestatOf(fs.fstatSync(this.fd, { bigint: true })) };
  }
  fd_read(size: number) {
    const r = this.fd_pread(size, this.pos);
    this.pos += BigInt(r.data.length);
    return r;
  }
  fd_pread(size: number, offset: bigint) {
    const buf = new Uint8Array(size);
    try {
      const n = fs.readSync(this.fd, buf, 0, size, offset);
      return { ret: 0, data: buf.subarray(0, n) };
    } catch (e) {
      return { ret: errnoOf(e), data: new Uint8Array(0) };
    }
  }
  fd_write(data: Uint8Array) {
    try {
      if (this.append) this.pos = fs.fstatSync(this.fd, { bigint: true }).size;
      const n = fs.writeSync(this.fd, data, 0, data.length, Number(this.pos));
      this.pos += BigInt(n);
      return { ret: 0, nwritten: n };
    } catch (e) {
      return { ret: errnoOf(e), nwritten: 0 };
    }
  }
  fd_pwrite(data: Uint8Array, offset: bigint) {
    try {
      return { ret: 0, nwritten: fs.writeSync(this.fd, data, 0, data.length, Number(offset)) };
    } catch (e) {
      return { ret: errnoOf(e), nwritten: 0 };
    }
  }
  fd_seek(offset: bigint, whence: number) {
    let base = 0n;
    if (whence === wasi.WHENCE_CUR) base = this.pos;
    else if (whence === wasi.WHENCE_END) base = fs.fstatSync(this.fd, { bigint: true }).size;
    else if (whence !== wasi.WHENCE_SET) return { ret: wasi.ERRNO_INVAL, offset: 0n };
    if (base + offset < 0n) return { ret: wasi.ERRNO_INVAL, offset: this.pos };
    this.pos = base + offset;
    return { ret: 0, offset: this.pos };
  }
  fd_tell() {
    return { ret: 0, offset: this.pos };
  }
  fd_filestat_set_size(size: bigint) {
    try {
      fs.ftruncateSync(this.fd, Number(size));
      return 0;
    } catch (e) {
      return errnoOf(e);
    }
  }
  fd_sync() {
    return 0;
  }
  fd_close() {
    fs.closeSync(this.fd);
    return 0;
  }
}

class HostDir extends Fd {
  private entries: string[] | null = null;
  /**
   * root: the real path of the mapped host folder; rel: this folder inside it (no symlinks);
   * readonly: nothing under it may change (ERRNO_ROFS).
   */
  constructor(
    private readonly root: string,
    private readonly rel: string,
    private readonly guestName?: string,
    private readonly readonly = false,
  ) {
    super();
  }

  /**
   * The host path of a guest path relative to this folder, every symlink on the way resolved by
   * hand inside the root (the last component too when `followLast`), or the errno to return:
   * NOTCAPABLE when `..` or a link would leave the root, LOOP after too many links. What is
   * returned has no symlink in it but, at most, a last component that is not followed.
   */
  private resolve(path: string, followLast: boolean): { host: string } | { errno: number } {
    const parts = this.rel === "." ? [] : this.rel.split("/");
    let pending = path.split("/");
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (parts.length === 0) return { errno: wasi.ERRNO_NOTCAPABLE };
        parts.pop();
        continue;
      }
      const last = pending.every((p) => p === "" || p === ".");
      const host = nodePath.join(this.root, ...parts, part);
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(host, { throwIfNoEntry: false });
      } catch (e) {
        return { errno: errnoOf(e) }; // e.g. ENOTDIR: a file on the way
      }
      if (st?.isSymbolicLink() && (!last || followLast)) {
        if (++links > MAX_SYMLINKS) return { errno: wasi.ERRNO_LOOP };
        let target: string;
        try {
          target = fs.readlinkSync(host);
        } catch (e) {
          return { errno: errnoOf(e) };
        }
        if (nodePath.isAbsolute(target)) {
          const inside = nodePath.relative(this.root, target);
          if (inside === ".." || inside.startsWith("../") || nodePath.isAbsolute(inside)) return { errno: wasi.ERRNO_NOTCAPABLE };
          parts.length = 0;
          target = inside;
        }
        pending = [...target.split("/"), ...pending];
        continue;
      }
      parts.push(part);
    }
    return { host: nodePath.join(this.root, ...parts) };
  }

  fd_prestat_get() {
    if (this.guestName === undefined) return { ret: wasi.ERRNO_BADF, prestat: null };
    return { ret: 0, prestat: wasi.Prestat.dir(this.guestName) };
  }
  fd_fdstat_get() {
    const st = new wasi.Fdstat(wasi.FILETYPE_DIRECTORY, 0);
    st.fs_rights_base = ALL_RIGHTS;
    st.fs_rights_inherited = ALL_RIGHTS;
    return { ret: 0, fdstat: st };
  }
  fd_filestat_get() {
    return { ret: 0, filestat: filestatOf(fs.statSync(nodePath.join(this.root, this.rel), { bigint: true })) };
  }
  path_filestat_get(flags: number, path: string) {
    const r = this.resolve(path, (flags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0);
    if ("errno" in r) return { ret: r.errno, filestat: null };
    try {
      return { ret: 0, filestat: filestatOf(fs.lstatSync(r.host, { bigint: true })) };
    } catch (e) {
      return { ret: errnoOf(e), filestat: null };
    }
  }
  path_open(dirflags: number, path: string, oflags: number, rights: bigint, _inheriting: bigint, fdflags: number) {
    const r = this.resolve(path, (dirflags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0);
    if ("errno" in r) return { ret: r.errno, fd_obj: null };
    const host = r.host;
    try {
      const st = fs.lstatSync(host, { throwIfNoEntry: false });
      if (st?.isDirectory()) {
        if (oflags & (wasi.OFLAGS_CREAT | wasi.OFLAGS_TRUNC) && oflags & wasi.OFLAGS_EXCL) return { ret: wasi.ERRNO_EXIST, fd_obj: null };
        return { ret: 0, fd_obj: new HostDir(this.root, nodePath.relative(this.root, host) || ".", undefined, this.readonly) };
      }
      if (oflags & wasi.OFLAGS_DIRECTORY) return { ret: st ? wasi.ERRNO_NOTDIR : wasi.ERRNO_NOENT, fd_obj: null };
      const write = (rights & BigInt(wasi.RIGHTS_FD_WRITE)) !== 0n;
      const read = (rights & BigInt(wasi.RIGHTS_FD_READ)) !== 0n;
      const changes = write || (oflags & (wasi.OFLAGS_CREAT | wasi.OFLAGS_TRUNC)) !== 0 || (fdflags & wasi.FDFLAGS_APPEND) !== 0;
      if (this.readonly && changes) return { ret: wasi.ERRNO_ROFS, fd_obj: null };
      let flags = write ? (read ? fs.constants.O_RDWR : fs.constants.O_WRONLY) : fs.constants.O_RDONLY;
      if (oflags & wasi.OFLAGS_CREAT) flags |= fs.constants.O_CREAT;
      if (oflags & wasi.OFLAGS_EXCL) flags |= fs.constants.O_EXCL;
      if (oflags & wasi.OFLAGS_TRUNC) flags |= fs.constants.O_TRUNC;
      // A link put in place since resolve() is not followed (ELOOP), wherever it points.
      const fd = fs.openSync(host, flags | fs.constants.O_NOFOLLOW, 0o644);
      return { ret: 0, fd_obj: new HostFile(fd, (fdflags & wasi.FDFLAGS_APPEND) !== 0, write) };
    } catch (e) {
      return { ret: errnoOf(e), fd_obj: null };
    }
  }
  fd_readdir_single(cookie: bigint) {
    if (this.entries === null) {
      try {
        this.entries = [".", "..", ...fs.readdirSync(nodePath.join(this.root, this.rel)).sort()];
      } catch (e) {
        return { ret: errnoOf(e), dirent: null };
      }
    }
    if (cookie >= BigInt(this.entries.length)) return { ret: 0, dirent: null };
    const name = this.entries[Number(cookie)];
    let type = wasi.FILETYPE_DIRECTORY;
    if (name !== "." && name !== "..") {
      const st = fs.lstatSync(nodePath.join(this.root, this.rel, name), { bigint: true, throwIfNoEntry: false });
      type = st ? filetypeOf(st) : wasi.FILETYPE_UNKNOWN;
    }
    return { ret: 0, dirent: new wasi.Dirent(cookie + 1n, 0n, name, type) };
  }
  path_create_directory(path: string) {
    return this.onHost(path, (host) => fs.mkdirSync(host));
  }
  path_unlink_file(path: string) {
    return this.onHost(path, (host) => fs.unlinkSync(host));
  }
  path_remove_directory(path: string) {
    return this.onHost(path, (host) => fs.rmdirSync(host));
  }

  /** Runs a host file operation that changes a guest path (its last link not followed): a WASI errno, 0 on success. */
  private onHost(path: string, op: (host: string) => void): number {
    if (this.readonly) return wasi.ERRNO_ROFS;
    const r = this.resolve(path, false);
    if ("errno" in r) return r.errno;
    try {
      op(r.host);
      return 0;
    } catch (e) {
      return errnoOf(e);
    }
  }
}

/**
 * Preopens host folder `hostPath` as `guestPath` for the guest; with `readonly`, nothing under it
 * can be created, changed or removed (the guest's /usr is mapped so).
 */
export function hostPreopen(hostPath: string, guestPath: string, options: { readonly?: boolean } = {}): Fd {
  const root = fs.realpathSync(hostPath);
  if (!fs.statSync(root).isDirectory()) throw new Error(`not a folder: ${hostPath}`);
  return new HostDir(root, ".", guestPath, options.readonly ?? false);
}
