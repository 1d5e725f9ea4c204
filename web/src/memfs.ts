// In-memory folders for the guest (the browser has no host file system): a flat map of
// relative paths to bytes becomes a preopened directory tree.
import { Directory, File, Inode, PreopenDirectory } from "@bjorn3/browser_wasi_shim";

export type FileTree = Record<string, Uint8Array>;

export function memoryPreopen(guestPath: string, files: FileTree): PreopenDirectory {
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
    dir.set(parts[parts.length - 1], new File(data));
  }
  return new PreopenDirectory(guestPath, root);
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
