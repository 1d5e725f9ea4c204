// Large downloads (the Python-enabled modules, its stdlib, Whisper models) with progress, kept in the
// Cache API so that a reload does not fetch them again. An entry is keyed by its URL and records the
// server's ETag, its size and its SHA-256: it is revalidated with If-None-Match (a 304 carries no
// body) or, without an ETag, by the size a HEAD request announces; an entry whose bytes do not match
// its recorded size and digest (a write cut short, a damaged profile) is dropped and fetched again.

export interface DownloadProgress {
  url: string;
  /** Bytes so far (decoded). */
  loaded: number;
  /** Bytes in all (decoded); 0 while unknown. */
  total: number;
  /** The bytes came from the cache (nothing was downloaded). */
  cached: boolean;
  done: boolean;
}

export interface DownloadOptions {
  /** A Cache API cache name to keep the bytes in; without one, the browser's HTTP cache applies. */
  cache?: string;
  onProgress?: (progress: DownloadProgress) => void;
}

const ETAG = "X-RM-ETag";
const BYTES = "X-RM-Bytes";
const SHA256 = "X-RM-SHA256";
// tools/serve sends the decoded size of a gzip-encoded response here (Content-Length counts the
// gzipped bytes, while a reader sees the decoded ones).
const DECODED_LENGTH = "X-Decoded-Length";

/** The bytes at `url`, from the cache when the server says they are still current. */
export async function download(url: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  const report = (p: Omit<DownloadProgress, "url">) => options.onProgress?.({ url, ...p });
  const store = options.cache && typeof caches !== "undefined" ? await caches.open(options.cache) : null;
  const entry = store ? await readEntry(store, url) : null;
  const fromCache = (bytes: Uint8Array) => {
    report({ loaded: bytes.length, total: bytes.length, cached: true, done: true });
    return bytes;
  };
  if (entry && (await stillCurrent(url, entry))) return fromCache(entry.bytes);
  // A cache of our own: the HTTP cache need not hold a second copy.
  const response = await fetch(url, store ? { cache: "no-store" } : {});
  if (!response.ok) throw new Error(`fetching ${url} failed: HTTP ${response.status}`);
  const bytes = await readAll(response, (loaded, total) => report({ loaded, total, cached: false, done: false }));
  report({ loaded: bytes.length, total: bytes.length, cached: false, done: true });
  // A full quota or a private window only costs the next visit a download.
  if (store) await writeEntry(store, url, bytes, response.headers.get("ETag")).catch(() => undefined);
  return bytes;
}

interface Entry {
  bytes: Uint8Array;
  etag: string | null;
}

async function stillCurrent(url: string, entry: Entry): Promise<boolean> {
  try {
    if (entry.etag) {
      const r = await fetch(url, { method: "HEAD", cache: "no-store", headers: { "If-None-Match": entry.etag } });
      return r.status === 304 || (r.ok && r.headers.get("ETag") === entry.etag);
    }
    const r = await fetch(url, { method: "HEAD", cache: "no-store" });
    return r.ok && announcedSize(r) === entry.bytes.length;
  } catch {
    return true; // offline: what we have is what we can run
  }
}

function announcedSize(r: Response): number {
  const decoded = r.headers.get(DECODED_LENGTH);
  if (decoded) return Number(decoded);
  return r.headers.get("Content-Encoding") ? 0 : Number(r.headers.get("Content-Length") ?? 0);
}

/** The whole body, reporting as it comes (at most ~200 reports). */
async function readAll(response: Response, onChunk: (loaded: number, total: number) => void): Promise<Uint8Array> {
  const total = announcedSize(response);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let reported = 0;
  onChunk(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    if (loaded - reported >= Math.max(total / 200, 1 << 16)) {
      reported = loaded;
      onChunk(loaded, Math.max(total, loaded));
    }
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as unknown as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function readEntry(store: Cache, url: string): Promise<Entry | null> {
  const r = await store.match(url);
  if (!r) return null;
  try {
    const bytes = new Uint8Array(await r.arrayBuffer());
    const intact = String(bytes.length) === r.headers.get(BYTES) && (await sha256(bytes)) === r.headers.get(SHA256);
    if (intact) return { bytes, etag: r.headers.get(ETAG) };
  } catch {
    /* an unreadable body: dropped below */
  }
  await store.delete(url);
  return null;
}

async function writeEntry(store: Cache, url: string, bytes: Uint8Array, etag: string | null): Promise<void> {
  const headers: Record<string, string> = { [BYTES]: String(bytes.length), [SHA256]: await sha256(bytes) };
  if (etag) headers[ETAG] = etag;
  await store.put(url, new Response(bytes as unknown as BodyInit, { headers }));
}

/** Removes what download() kept under `cache` (all of it, or one URL). */
export async function clearDownloads(cache: string, url?: string): Promise<void> {
  if (typeof caches === "undefined") return;
  if (url) await (await caches.open(cache)).delete(url);
  else await caches.delete(cache);
}
