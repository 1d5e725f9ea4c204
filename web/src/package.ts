// .rmpkg packages on the host side (browser and Node): read the canonical zip, check every file
// against its digest and the provenance, and verify the minisign Ed25519 signature with WebCrypto,
// all before anything from the package is compiled or run. The same rules and messages as the
// native reader (src/package/zip.cpp, package.cpp); the format is described in docs/packages.md.
import type { FileTree } from "./memfs.js";

export type Trust = "trusted" | "untrusted" | "unsigned";

export class PackageError extends Error {
  constructor(
    message: string,
    readonly code: string = "bad_package",
  ) {
    super(message);
    this.name = "PackageError";
  }
}

export interface PackageOptions {
  /** Trusted signers: minisign .pub file texts, or their base64 line. */
  trustedKeys?: string[];
  /** Refuse packages whose contents add up to more bytes (default 4 GiB). */
  maxSize?: number;
}

/**
 * What a verified package says about itself. Read-only: the bytes that were verified stay private
 * (a copy taken when it was opened), and only they are ever mounted or run.
 */
export interface RmPackage {
  readonly files: ReadonlyArray<{ readonly name: string; readonly size: number; readonly sha256: string }>;
  readonly manifest: any;
  readonly provenance: any;
  readonly trust: Trust;
  /** The signer's key id (minisign's 16 hex digits), or null. */
  readonly signer: string | null;
}

interface Verified {
  files: Map<string, Uint8Array>;
  digests: Map<string, string>;
  trust: Trust;
}
const verified = new WeakMap<RmPackage, Verified>();
function verifiedOf(pkg: RmPackage): Verified {
  const v = verified.get(pkg);
  if (!v) throw new PackageError("not a package opened by openPackage()", "bad_package");
  return v;
}

const MANIFEST = "manifest.json";
const MODULE = "modules/remotemedia.wasm";
const PROVENANCE = "meta/provenance.json";
const SIGNER = "meta/signer.pub";
const SIGNATURE = "meta/signature.sig";
const FORMAT = "rmpkg-1";

// The canonical header values (see src/package/zip.hpp).
const MADE_BY = (3 << 8) | 30, NEEDS = 10, FLAGS = 0x0800, TIME = 0, DATE = (1 << 5) | 1;
const EXTERNAL = (0o100644 << 16) >>> 0;
const LOCAL_SIG = 0x04034b50, CENTRAL_SIG = 0x02014b50, END_SIG = 0x06054b50;
const MAX_NAME = 1024, MAX_COMPONENT = 255;
// The metadata files are read whole: a package cannot make the reader take more than this.
const MAX_METADATA = 16 << 20;
// Strict UTF-8, byte order mark kept: every reader sees the same text as the native one.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const fail = (message: string, code = "bad_package"): never => {
  throw new PackageError(message, code);
};

/** Text from a package for a message or a terminal: control characters as \\xNN, never acted on. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"));
}

const quoted = (name: string) => "'" + printable(name) + "'";

/** Is `name` a safe relative path? Empty when it is, else why not. */
export function unsafeNameReason(name: string): string {
  const bytes = new TextEncoder().encode(name);
  if (name === "") return "empty name";
  if (bytes.length > MAX_NAME) return `name longer than ${MAX_NAME} bytes`;
  if (name.startsWith("/")) return "absolute path";
  if (bytes.length >= 2 && bytes[1] === 0x3a) return "drive-letter path";
  if (name.endsWith("/")) return "directory entry (packages hold files only)";
  if (name.includes("\\")) return "backslash in path";
  if (/[\x00-\x1f\x7f]/.test(name)) return "control character in name";
  for (const part of name.split("/")) {
    if (part === "..") return "path traversal ('..')";
    if (part === "" || part === ".") return "empty or '.' path component";
    if (new TextEncoder().encode(part).length > MAX_COMPONENT) return "path component longer than 255 bytes";
  }
  return "";
}

let crcTable: Uint32Array | undefined;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; ++n) {
      let c = n;
      for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; ++i) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface Entry {
  name: string;
  data: Uint8Array;
}

function readZip(bytes: Uint8Array, maxSize: number): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const size = bytes.length;
  if (size < 22) fail("not a package: too short to be a zip archive (truncated?)");
  let end = -1;
  for (let i = size - 22; i >= Math.max(0, size - 22 - 65535); --i)
    if (u32(i) === END_SIG) {
      end = i;
      break;
    }
  if (end < 0) fail(size >= 4 && u32(0) === LOCAL_SIG ? "truncated: the zip archive's end record is missing" : "not a package: no zip end record");
  if (end !== size - 22) fail(`unexpected ${size - 22 - end} bytes after the zip end record (appended data or an archive comment)`);
  const count = u16(end + 10), cdSize = u32(end + 12), cdOffset = u32(end + 16);
  if (u16(end + 20) !== 0) fail("the zip end record announces an archive comment (not canonical)");
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) fail("zip64 archives are not supported");
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0 || u16(end + 8) !== count) fail("multi-part zip archives are not supported");
  if (cdOffset + cdSize !== end) fail("the central directory is not where the end record says (truncated or modified)");
  if (cdSize > count * (46 + 2 * MAX_NAME)) fail("the central directory is larger than its entries can be (modified)");
  const entries: Entry[] = [];
  const seenLower = new Set<string>();
  let pos = cdOffset, total = 0, expected = 0;
  // Two passes: what makes a package dangerous (names, links, duplicates, compression, size) is
  // reported for any entry before what merely makes it non-canonical.
  for (let pass = 0; pass < 2; ++pass) {
    pos = cdOffset;
    for (let i = 0; i < count; ++i) {
      if (pos + 46 > end || u32(pos) !== CENTRAL_SIG) fail(`the central directory is damaged (entry ${i})`);
      const madeBy = u16(pos + 4), needs = u16(pos + 6), flags = u16(pos + 8), method = u16(pos + 10);
      const time = u16(pos + 12), date = u16(pos + 14), crc = u32(pos + 16), csize = u32(pos + 20), usize = u32(pos + 24);
      const nameLen = u16(pos + 28), extraLen = u16(pos + 30), commentLen = u16(pos + 32);
      const diskStart = u16(pos + 34), internal = u16(pos + 36), external = u32(pos + 38), localOffset = u32(pos + 42);
      if (pos + 46 + nameLen + extraLen + commentLen > end) fail(`the central directory is damaged (entry ${i})`);
      const nameBytes = bytes.subarray(pos + 46, pos + 46 + nameLen);
      let name: string;
      try {
        name = utf8.decode(nameBytes);
      } catch {
        name = Array.from(nameBytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "\\x" + b.toString(16).padStart(2, "0"))).join("");
        if (pass === 0) fail(`entry '${name}': unsafe path: name is not valid UTF-8`);
      }
      pos += 46 + nameLen + extraLen + commentLen;
      const what = "entry " + quoted(name);
      if (pass === 0) {
        const why = unsafeNameReason(name);
        if (why) fail(`${what}: unsafe path: ${why}`);
        const type = (external >>> 16) & 0o170000;
        if (madeBy >> 8 === 3 && type === 0o120000) fail(`${what} is a symbolic link (not allowed in a package)`);
        if (madeBy >> 8 === 3 && type !== 0 && type !== 0o100000) fail(`${what} is not a regular file`);
        const lower = name.replace(/[A-Z]/g, (c) => c.toLowerCase());  // ASCII only, as the native reader
        if (seenLower.has(lower)) fail(`${what} appears twice (names must be unique, also ignoring case)`);
        seenLower.add(lower);
        if (flags & 1) fail(`${what} is encrypted`);
        if (method !== 0) fail(`${what} is compressed (method ${method}): package entries are stored, so models are read in place and every byte is signed`);
        if (csize !== usize) fail(`${what}: stored sizes differ`);
        total += usize;
        if (total > maxSize) fail(`the contents add up to more than the limit of ${maxSize} bytes (--max-size)`);
        continue;
      }
      if (madeBy !== MADE_BY || needs !== NEEDS || flags !== FLAGS || time !== TIME || date !== DATE || extraLen || commentLen ||
          diskStart || internal || external !== EXTERNAL)
        fail(`${what}: header fields are not in canonical form (modified, or not written by remotemedia pack)`);
      if (entries.length && !(compareBytes(entries[entries.length - 1].name, name) < 0)) fail(`${what} is out of order (not canonical)`);
      if (localOffset !== expected) fail(`${what} is not where the directory says (overlapping, gaps or a modified offset)`);
      if (localOffset + 30 + nameLen > size) fail("truncated: a range points past the end of the file");
      const l = localOffset;
      if (u32(l) !== LOCAL_SIG || u16(l + 4) !== needs || u16(l + 6) !== flags || u16(l + 8) !== method || u16(l + 10) !== time ||
          u16(l + 12) !== date || u32(l + 14) !== crc || u32(l + 18) !== csize || u32(l + 22) !== usize || u16(l + 26) !== nameLen ||
          u16(l + 28) !== 0)
        fail(`${what}: its local header disagrees with the central directory`);
      const localName = bytes.subarray(l + 30, l + 30 + nameLen);
      if (!localName.every((b, k) => b === nameBytes[k])) fail(`${what}: its local header names another file`);
      const start = l + 30 + nameLen;
      expected = start + usize;
      if (expected > cdOffset) fail(`${what} runs into the central directory (truncated or modified)`);
      const data = bytes.subarray(start, expected);
      if (crc32(data) !== crc) fail(`entry ${quoted(name)}: CRC-32 mismatch (damaged or modified)`);
      entries.push({ name, data });
    }
    if (pass === 0) {
      // "a" and "a/b" cannot both be extracted.
      const sorted = [...seenLower].sort(compareBytes);
      for (const n of sorted) {
        let lo = 0, hi = sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (compareBytes(sorted[mid], n + "/") < 0) lo = mid + 1;
          else hi = mid;
        }
        if (lo < sorted.length && sorted[lo].startsWith(n + "/")) fail(`entry ${quoted(n)} is both a file and a folder`);
      }
    }
  }
  if (pos !== end) fail("unexpected bytes at the end of the central directory");
  if (expected !== cdOffset) fail("unexpected bytes between the last entry and the central directory");
  return entries;
}

// Byte order of the UTF-8 names, as the native reader compares them.
function compareBytes(a: string, b: string): number {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); ++i) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

// WebCrypto's typings want ArrayBuffer-backed views; ours always are.
const source = (b: Uint8Array) => b as unknown as BufferSource;

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", source(data)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

function base64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) throw new PackageError("not valid base64", "bad_key");
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function linesOf(text: string): string[] {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** A minisign key id as minisign prints it (little-endian, 16 upper-case hex digits). */
function keyIdHex(id: Uint8Array): string {
  return Array.from(id).reverse().map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

export interface PublicKey {
  keyId: Uint8Array;
  key: Uint8Array;
  id: string;
}

/** A minisign .pub file's text, or just its base64 line. */
export function parsePublicKey(text: string): PublicKey {
  const lines = linesOf(text);
  let b64 = "";
  if (lines.length === 1) b64 = lines[0];
  else if (lines.length === 2 && lines[0].startsWith("untrusted comment:")) b64 = lines[1];
  else throw new PackageError("not a minisign public key (expected a comment line and a base64 line)", "bad_key");
  let bytes: Uint8Array;
  try {
    bytes = base64(b64);
  } catch {
    throw new PackageError("not a minisign Ed25519 public key", "bad_key");
  }
  if (bytes.length !== 42 || bytes[0] !== 0x45 || bytes[1] !== 0x64) throw new PackageError("not a minisign Ed25519 public key", "bad_key");
  const keyId = bytes.slice(2, 10);
  return { keyId, key: bytes.slice(10), id: keyIdHex(keyId) };
}

const base64Encode = (b: Uint8Array) => btoa(Array.from(b, (x) => String.fromCharCode(x)).join(""));

/** The .sig file as remotemedia pack writes it; a package's must be exactly this (its unsigned lines too). */
function formatSignature(s: Signature): string {
  const line = new Uint8Array([0x45, 0x64, ...s.keyId, ...s.signature]);
  return `untrusted comment: signature from remotemedia secret key ${keyIdHex(s.keyId)}\n${base64Encode(line)}\n` +
    `trusted comment: ${s.trustedComment}\n${base64Encode(s.globalSignature)}\n`;
}

interface Signature {
  keyId: Uint8Array;
  signature: Uint8Array;
  trustedComment: string;
  globalSignature: Uint8Array;
}

function parseSignature(text: string): Signature {
  const lines = linesOf(text);
  const TRUSTED = "trusted comment: ";
  if (lines.length !== 4 || !lines[0].startsWith("untrusted comment:") || !lines[2].startsWith(TRUSTED))
    fail("the signature file is not in minisign's format", "bad_signature");
  let main: Uint8Array, global: Uint8Array;
  try {
    main = base64(lines[1]);
  } catch {
    return fail("the signature line is damaged", "bad_signature");
  }
  if (main.length !== 74) fail("the signature line is damaged", "bad_signature");
  if (main[0] === 0x45 && main[1] === 0x44)
    fail("the signature is prehashed (minisign's default); packages use the non-prehashed mode", "bad_signature");
  if (main[0] !== 0x45 || main[1] !== 0x64) fail("unknown signature algorithm", "bad_signature");
  try {
    global = base64(lines[3]);
  } catch {
    return fail("the trusted comment's signature line is damaged", "bad_signature");
  }
  if (global.length !== 64) fail("the trusted comment's signature line is damaged", "bad_signature");
  return { keyId: main.slice(2, 10), signature: main.slice(10), trustedComment: lines[2].slice(TRUSTED.length), globalSignature: global };
}

async function ed25519Verify(key: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  const k = await crypto.subtle.importKey("raw", source(key), { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "Ed25519" }, k, source(signature), source(message));
}

function listDigests(digests: Map<string, string>): string {
  return [...digests.keys()]
    .filter((n) => n !== SIGNATURE)
    .sort(compareBytes)
    .map((n) => `${digests.get(n)}  ${n}\n`)
    .join("");
}

/** The list of file digests a package's signature covers (sha256sum's format, sorted by name). */
export function digestList(pkg: RmPackage): string {
  return listDigests(verifiedOf(pkg).digests);
}

/** A small text entry (manifest, provenance, key, signature): bounded, and strictly UTF-8. */
function textOf(files: Map<string, Uint8Array>, name: string): string {
  const data = files.get(name)!;
  if (data.length > MAX_METADATA) fail(`${name} is larger than ${MAX_METADATA} bytes`);
  try {
    return utf8.decode(data);
  } catch {
    return fail(`${name} is not valid UTF-8`);
  }
}

/**
 * Reads and checks a package: container, digests against the provenance, and the signature when
 * there is one (a bad one is always an error). A valid signature by a key outside `trustedKeys`
 * gives trust "untrusted", not an error: decide with checkTrust().
 */
export async function openPackage(bytes: Uint8Array, options: PackageOptions = {}): Promise<RmPackage> {
  const trusted = (options.trustedKeys ?? []).map((k, i) => {
    try {
      return parsePublicKey(k);
    } catch (e) {
      throw new PackageError(`trusted key ${i + 1}: ${(e as Error).message}`, "bad_key");
    }
  });
  // Our own copy: what is checked here is what runs, whatever happens to the caller's buffer.
  const entries = readZip(bytes.slice(), options.maxSize ?? 4 * 1024 ** 3);
  const files = new Map(entries.map((e) => [e.name, e.data]));
  for (const required of [MANIFEST, MODULE, PROVENANCE]) if (!files.has(required)) fail(`no ${required} in the package`);
  const digests = new Map<string, string>();
  for (const e of entries) digests.set(e.name, await sha256Hex(e.data));

  let provenance: any;
  const provenanceText = textOf(files, PROVENANCE);
  try {
    provenance = JSON.parse(provenanceText);
  } catch {
    /* reported below */
  }
  if (!provenance || typeof provenance !== "object" || Array.isArray(provenance)) fail(`${PROVENANCE} is not a JSON object`);
  if (provenance.format !== FORMAT) fail(`${PROVENANCE}: not an ${FORMAT} package`);
  const listed = provenance.files;
  if (!listed || typeof listed !== "object" || Array.isArray(listed)) fail(`${PROVENANCE} has no file list`);
  for (const [name, digest] of Object.entries(listed)) {
    if (!digests.has(name) || name === PROVENANCE || name === SIGNATURE)
      fail(`'${name}' is listed in the provenance but missing from the package (removed?)`);
    if (digest !== digests.get(name)) fail(`'${name}' does not match its digest in the provenance (modified?)`);
  }
  for (const name of digests.keys())
    if (name !== PROVENANCE && name !== SIGNATURE && !Object.hasOwn(listed, name))
      fail(`'${name}' is not listed in the provenance (added after packing?)`);

  let trust: Trust = "unsigned";
  let signer: string | null = null;
  const sig = files.get(SIGNATURE), signerFile = files.get(SIGNER);
  if (sig && !signerFile) fail("the package has a signature but no meta/signer.pub");
  if (!sig && signerFile) fail("the package names a signer but its signature is missing (removed?)");
  if (sig && signerFile) {
    let key: PublicKey;
    const signerText = textOf(files, SIGNER);
    try {
      key = parsePublicKey(signerText);
    } catch (e) {
      return fail(`meta/signer.pub: ${(e as Error).message}`);
    }
    let s: Signature;
    const sigText = textOf(files, SIGNATURE);
    try {
      s = parseSignature(sigText);
    } catch (e) {
      return fail(`meta/signature.sig: ${(e as Error).message}`);
    }
    if (formatSignature(s) !== sigText)
      fail("meta/signature.sig is not in the form remotemedia pack writes (its unsigned lines were changed)");
    const sigId = keyIdHex(s.keyId);
    if (sigId !== key.id) fail(`signature check failed: signed by key ${sigId}, not by key ${key.id}`);
    const message = new TextEncoder().encode(listDigests(digests));
    if (!(await ed25519Verify(key.key, s.signature, message)))
      fail("signature check failed: the signature does not match the package contents (modified after signing?)");
    const global = new Uint8Array([...s.signature, ...new TextEncoder().encode(s.trustedComment)]);
    if (!(await ed25519Verify(key.key, s.globalSignature, global)))
      fail("signature check failed: the signature's trusted comment was modified");
    signer = key.id;
    trust = trusted.some((t) => t.id === key.id && t.key.every((b, i) => b === key.key[i])) ? "trusted" : "untrusted";
  }

  let manifest: any;
  const manifestText = textOf(files, MANIFEST);
  try {
    manifest = JSON.parse(manifestText);
  } catch (e) {
    return fail(`manifest.json: ${(e as Error).message}`);
  }
  // The module checks the rest when it loads the pipeline; this much the host relies on itself.
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(manifest) || !Array.isArray(manifest.nodes) || !manifest.nodes.every(isObject) ||
      !manifest.nodes.every((n: any) => n.params === undefined || isObject(n.params)))
    fail("manifest.json: not a v1 manifest (an object with a list of node objects)");
  // Files the pipeline refers to inside the package must be there (pack rewrites them to these folders).
  for (const node of manifest.nodes)
    for (const [param, value] of Object.entries(node.params ?? {}))
      if (typeof value === "string" && /^(models|python)\//.test(value) && !files.has(value))
        fail(`node '${node.id}' refers to ${param} '${value}', which is not in the package`);
  const pkg: RmPackage = Object.freeze({
    files: Object.freeze(entries.map((e) => Object.freeze({ name: e.name, size: e.data.length, sha256: digests.get(e.name)! }))),
    manifest,
    provenance,
    trust,
    signer,
  });
  verified.set(pkg, { files, digests, trust });
  return pkg;
}

export interface TrustPolicy {
  /** Accept an unsigned package, or one signed by a key that is not trusted. */
  allowUnsigned?: boolean;
  /** For `verify` with no trusted keys given: any valid signature passes. */
  anyValidSignature?: boolean;
}

/** Throws a PackageError (code "untrusted_package") when the package may not run. */
export function checkTrust(pkg: RmPackage, policy: TrustPolicy, trustedKeysGiven: boolean): void {
  const { trust } = verifiedOf(pkg);
  if (trust === "trusted") return;
  if (trust === "untrusted") {
    if (policy.allowUnsigned || policy.anyValidSignature) return;
    fail(`signed by key ${pkg.signer}, which is not ` +
      (trustedKeysGiven ? "among the trusted keys (check --trusted-key" : "given as trusted (pass --trusted-key KEY.pub") +
      ", or --allow-unsigned)", "untrusted_package");
  }
  if (!policy.allowUnsigned)
    fail("the package is not signed (pack it with --sign, or pass --allow-unsigned to accept it)", "untrusted_package");
}

/** What a host mounts for the package's module: the package folder, and /usr when it has one. */
export function packageMounts(pkg: RmPackage): { module: Uint8Array; packageTree: FileTree; usrTree?: FileTree } {
  const packageTree: FileTree = {};
  const usrTree: FileTree = {};
  let hasUsr = false;
  const { files } = verifiedOf(pkg);
  for (const [name, data] of files) {
    if (name.startsWith("wasi-deps/usr/")) {
      usrTree[name.slice("wasi-deps/usr/".length)] = data;
      hasUsr = true;
    } else if (name === MANIFEST || name.startsWith("python/") || name.startsWith("models/")) {
      packageTree[name] = data;
    }
  }
  return { module: files.get(MODULE)!, packageTree, usrTree: hasUsr ? usrTree : undefined };
}

/** The same description as the native `verify --json` / `inspect --json` (without manifest and provenance). */
export function describePackage(pkg: RmPackage): any {
  const files = pkg.files.map((f) => ({ ...f }));
  const manifest = pkg.manifest;
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  return {
    name: typeof manifest.metadata?.name === "string" ? manifest.metadata.name : null,
    signature: { trusted: "trusted", untrusted: "valid, key not trusted", unsigned: "unsigned" }[verifiedOf(pkg).trust],
    signer: pkg.signer,
    runtime: manifest.runtime ?? null,
    nodes: manifest.nodes.map((n: any) => {
      const o: any = {};
      if ("id" in n) o.id = n.id;
      if ("node_type" in n) o.node_type = n.node_type;
      return o;
    }),
    files,
    content_bytes: files.reduce((s, f) => s + f.size, 0),
    // The provenance is the packer's word: only what has the expected shape, as natively.
    builder: isObject(pkg.provenance.builder) ? pkg.provenance.builder : null,
    created: typeof pkg.provenance.created === "string" ? pkg.provenance.created : null,
    third_party: Array.isArray(pkg.provenance.third_party) ? pkg.provenance.third_party.filter(isObject) : [],
  };
}
