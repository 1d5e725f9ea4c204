#!/usr/bin/env node
// Fuzzes the TypeScript package reader (web/src/package.ts: the zip reader, digests, provenance,
// minisign signature, manifest), the one the browser and tools/remotemedia-wasi use. Seeds are a
// signed and an unsigned package from the native CLI; each run mutates one (bit flips, byte
// values, 32-bit sizes near 2^32, cuts, insertions, splices) from a fixed seed, so a failure
// reproduces. Every other run mutates one file inside instead and writes the archive again in
// canonical form (right CRCs), so that the checks behind the container's are reached too. Every input must open or be refused with a PackageError; any other exception (a
// TypeError, a RangeError), or a trusted package that is not byte for byte a seed, is a failure.
//   usage: node web/fuzz/package-reader.mjs NATIVE_CLI [RUNS] [SEED]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describePackage, digestList, openPackage, packageMounts, PackageError } from "../dist/node.js";

const [native, runsArg = "20000", seedArg = "1"] = process.argv.slice(2);
if (!native) {
  process.stderr.write("usage: node web/fuzz/package-reader.mjs NATIVE_CLI [RUNS] [SEED]\n");
  process.exit(2);
}
const runs = Number(runsArg);

// xorshift64*: deterministic, the same sequence on every machine.
let state = BigInt(seedArg) || 1n;
const MASK = (1n << 64n) - 1n;
function random(n) {
  state ^= state >> 12n;
  state ^= (state << 25n) & MASK;
  state ^= state >> 27n;
  return Number(((state * 2685821657736338717n) & MASK) >> 11n) % n;
}

function mutate(seeds) {
  let x = Array.from(seeds[random(seeds.length)]);
  const steps = 1 + random(4);
  for (let s = 0; s < steps; ++s) {
    const at = x.length ? random(x.length) : 0;
    switch (random(7)) {
      case 0: if (x.length) x[at] ^= 1 << random(8); break;
      case 1: if (x.length) x[at] = random(256); break;
      case 2: { // a little-endian 32-bit size near 2^32
        const v = 0xffffffff - random(64);
        for (let k = 0; k < 4 && at + k < x.length; ++k) x[at + k] = (v >>> (8 * k)) & 255;
        break;
      }
      case 3: x = x.slice(0, at); break;
      case 4: x.splice(at, 0, random(256)); break;
      case 5: { // a piece of another seed
        const other = seeds[random(seeds.length)];
        const from = random(other.length), n = 1 + random(Math.min(64, other.length - from));
        x.splice(at, 0, ...other.slice(from, from + n));
        break;
      }
      default: if (x.length) x.splice(at, 1);
    }
  }
  return new Uint8Array(x);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// The entries of a canonical package (stored, contiguous): [name bytes, data] in order.
function entriesOf(zip) {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = [];
  for (let at = 0; at + 30 <= zip.length && v.getUint32(at, true) === 0x04034b50;) {
    const size = v.getUint32(at + 18, true), nameLength = v.getUint16(at + 26, true);
    const name = zip.slice(at + 30, at + 30 + nameLength);
    out.push([name, zip.slice(at + 30 + nameLength, at + 30 + nameLength + size)]);
    at += 30 + nameLength + size;
  }
  return out;
}

// The layout `remotemedia pack` writes (src/package/zip.hpp), as tests/package/check_packages.py has it.
function canonicalZip(entries) {
  const parts = [], central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const crc = crc32(data);
    const local = new DataView(new ArrayBuffer(30));
    [[0, 0x04034b50, 4], [4, 10, 2], [6, 0x0800, 2], [10, 0, 2], [12, 0x21, 2], [14, crc, 4], [18, data.length, 4],
      [22, data.length, 4], [26, name.length, 2]].forEach(([o, val, n]) => (n === 4 ? local.setUint32(o, val, true) : local.setUint16(o, val, true)));
    const c = new DataView(new ArrayBuffer(46));
    [[0, 0x02014b50, 4], [4, (3 << 8) | 30, 2], [6, 10, 2], [8, 0x0800, 2], [14, 0x21, 2], [16, crc, 4], [20, data.length, 4],
      [24, data.length, 4], [28, name.length, 2], [38, 0o100644 << 16, 4], [42, offset, 4]]
      .forEach(([o, val, n]) => (n === 4 ? c.setUint32(o, val >>> 0, true) : c.setUint16(o, val, true)));
    parts.push(new Uint8Array(local.buffer), name, data);
    central.push(new Uint8Array(c.buffer), name);
    offset += 30 + name.length + data.length;
  }
  const centralSize = central.reduce((n, p) => n + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  [[0, 0x06054b50, 4], [8, entries.length, 2], [10, entries.length, 2], [12, centralSize, 4], [16, offset, 4]]
    .forEach(([o, val, n]) => (n === 4 ? end.setUint32(o, val, true) : end.setUint16(o, val, true)));
  return new Uint8Array(Buffer.concat([...parts, ...central, new Uint8Array(end.buffer)]));
}

// One file inside a seed mutated, its digest in the provenance updated (when the provenance
// still parses), the archive written again: the manifest and provenance checks are reached.
function mutateInside(seeds) {
  const entries = entriesOf(seeds[random(seeds.length)]);
  const i = random(entries.length);
  entries[i] = [entries[i][0], mutate([entries[i][1]])];
  const name = new TextDecoder().decode(entries[i][0]);
  const p = entries.findIndex(([n]) => new TextDecoder().decode(n) === "meta/provenance.json");
  if (p >= 0 && p !== i) {
    try {
      const provenance = JSON.parse(new TextDecoder().decode(entries[p][1]));
      provenance.files[name] = createHash("sha256").update(entries[i][1]).digest("hex");
      entries[p] = [entries[p][0], new TextEncoder().encode(JSON.stringify(provenance))];
    } catch {
      /* left as it is */
    }
  }
  return canonicalZip(entries);
}

const dir = mkdtempSync(join(tmpdir(), "rm-fuzz-pkg-"));
try {
  writeFileSync(join(dir, "remotemedia.wasm"), Buffer.from("\0asm\x01\0\0\0"));
  writeFileSync(join(dir, "m.json"), JSON.stringify({ version: "v1", metadata: { name: "f" },
    nodes: [{ id: "m", node_type: "MultiplyNode", params: { factor: 2 } }] }));
  for (const args of [["keygen", "-o", join(dir, "k")],
    ["pack", join(dir, "m.json"), "--wasm-dir", dir, "--sign", join(dir, "k.key"), "-o", join(dir, "signed.rmpkg")],
    ["pack", join(dir, "m.json"), "--wasm-dir", dir, "-o", join(dir, "unsigned.rmpkg")]]) {
    const r = spawnSync(native, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${args[0]}: ${r.stderr}`);
  }
  const key = readFileSync(join(dir, "k.pub"), "utf8");
  const seeds = ["signed.rmpkg", "unsigned.rmpkg"].map((f) => new Uint8Array(readFileSync(join(dir, f))));
  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const counts = { opened: 0, refused: 0 };
  for (let run = 0; run < runs; ++run) {
    const input = run < seeds.length ? seeds[run] : run % 2 ? mutateInside(seeds) : mutate(seeds);
    try {
      const pkg = await openPackage(input, { trustedKeys: [key], maxSize: 1 << 20 });
      describePackage(pkg);
      digestList(pkg);
      packageMounts(pkg);
      if (pkg.trust === "trusted" && !same(input, seeds[0])) throw new Error("a changed package is trusted");
      counts.opened++;
    } catch (e) {
      if (e instanceof PackageError) {
        counts.refused++;
        continue;
      }
      writeFileSync("package-reader-crash.rmpkg", input);
      process.stderr.write(`run ${run}: ${e?.stack ?? e}\n(input written to package-reader-crash.rmpkg)\n`);
      process.exit(1);
    }
  }
  process.stdout.write(`package reader: ${runs} inputs (seed ${seedArg}): ${counts.opened} opened, ${counts.refused} refused, no failure\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
