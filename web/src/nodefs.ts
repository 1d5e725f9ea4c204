// A host folder preopened for the guest under Node, like `wasmtime --dir HOST::GUEST`: files are
// read and written in place (a large model is never copied into memory), and no path, `..` or
// symlink can reach outside the folder.
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { Fd, wasi } from "@bjorn3/browser_wasi_shim";

const ALL_RIGHTS = 0x1fffffffn;
const LOOKUPFLAGS_SYMLINK_FOLLOW = 1;

function errnoOf(e: unknown): number {
  switch ((e as NodeJS.ErrnoException).code) {
    case "ENOENT": return wasi.ERRNO_NOENT;
    case "EACCES": return wasi.ERRNO_ACCES;
    case "EPERM": return wasi.ERRNO_PERM;
    case "EISDIR": return wasi.ERRNO_ISDIR;
    case "ENOTDIR": return wasi.ERRNO_NOTDIR;
    case "EEXIST": return wasi.ERRNO_EXIST;
    case "ENOTEMPTY": return wasi.ERRNO_NOTEMPTY;
    case "EBADF": return wasi.ERRNO_BADF;
    default: return wasi.ERRNO_IO;
  }
}

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
  constructor(private readonly fd: number, private readonly append: boolean) {
    super();
  }
  fd_fdstat_get() {
    const st = new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, this.append ? wasi.FDFLAGS_APPEND : 0);
    st.fs_rights_base = ALL_RIGHTS;
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
  /** root: the real path of the mapped host folder; rel: this folder inside it. */
  constructor(private readonly root: string, private readonly rel: string, private readonly guestName?: string) {
    super();
  }

  /** Host path of a guest path relative to this folder, or null when it would leave the root. */
  private resolve(path: string): string | null {
    const joined = nodePath.normalize(nodePath.join(this.rel, path));
    if (joined === ".." || joined.startsWith("../") || nodePath.isAbsolute(joined)) return null;
    const host = nodePath.join(this.root, joined);
    // Symlinks may point anywhere: follow them and check where they land.
    try {
      const real = fs.realpathSync(host);
      if (real !== this.root && !real.startsWith(this.root + nodePath.sep)) return null;
    } catch {
      // Does not exist (yet): its parent decides.
      const parent = nodePath.dirname(host);
      try {
        const realParent = fs.realpathSync(parent);
        if (realParent !== this.root && !realParent.startsWith(this.root + nodePath.sep)) return null;
      } catch {
        /* the open itself reports ENOENT */
      }
    }
    return host;
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
    const host = this.resolve(path);
    if (host === null) return { ret: wasi.ERRNO_NOTCAPABLE, filestat: null };
    try {
      const follow = (flags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;
      const st = follow ? fs.statSync(host, { bigint: true }) : fs.lstatSync(host, { bigint: true });
      return { ret: 0, filestat: filestatOf(st) };
    } catch (e) {
      return { ret: errnoOf(e), filestat: null };
    }
  }
  path_open(_dirflags: number, path: string, oflags: number, rights: bigint, _inheriting: bigint, fdflags: number) {
    const host = this.resolve(path);
    if (host === null) return { ret: wasi.ERRNO_NOTCAPABLE, fd_obj: null };
    try {
      const st = fs.statSync(host, { throwIfNoEntry: false });
      if (st?.isDirectory()) {
        if (oflags & (wasi.OFLAGS_CREAT | wasi.OFLAGS_TRUNC) && oflags & wasi.OFLAGS_EXCL) return { ret: wasi.ERRNO_EXIST, fd_obj: null };
        return { ret: 0, fd_obj: new HostDir(this.root, nodePath.relative(this.root, host) || ".") };
      }
      if (oflags & wasi.OFLAGS_DIRECTORY) return { ret: st ? wasi.ERRNO_NOTDIR : wasi.ERRNO_NOENT, fd_obj: null };
      const write = (rights & BigInt(wasi.RIGHTS_FD_WRITE)) !== 0n;
      const read = (rights & BigInt(wasi.RIGHTS_FD_READ)) !== 0n;
      let flags = write ? (read ? fs.constants.O_RDWR : fs.constants.O_WRONLY) : fs.constants.O_RDONLY;
      if (oflags & wasi.OFLAGS_CREAT) flags |= fs.constants.O_CREAT;
      if (oflags & wasi.OFLAGS_EXCL) flags |= fs.constants.O_EXCL;
      if (oflags & wasi.OFLAGS_TRUNC) flags |= fs.constants.O_TRUNC;
      const fd = fs.openSync(host, flags, 0o644);
      return { ret: 0, fd_obj: new HostFile(fd, (fdflags & wasi.FDFLAGS_APPEND) !== 0) };
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

  /** Runs a host file operation on a guest path: a WASI errno, 0 on success. */
  private onHost(path: string, op: (host: string) => void): number {
    const host = this.resolve(path);
    if (host === null) return wasi.ERRNO_NOTCAPABLE;
    try {
      op(host);
      return 0;
    } catch (e) {
      return errnoOf(e);
    }
  }
}

/** Preopens host folder `hostPath` as `guestPath` for the guest. */
export function hostPreopen(hostPath: string, guestPath: string): Fd {
  const root = fs.realpathSync(hostPath);
  if (!fs.statSync(root).isDirectory()) throw new Error(`not a folder: ${hostPath}`);
  return new HostDir(root, ".", guestPath);
}
