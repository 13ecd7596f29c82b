/**
 * Canonical payloads for idempotency: the same command always serialises to the same text (keys
 * sorted, Dates as ISO strings), and its SHA-256 is what a retry is compared on.
 *
 * The hash is computed here in plain JavaScript, synchronously: it needs no Node built-in (so it runs
 * on edge runtimes), and for a command's few hundred bytes it costs a few microseconds, where Web
 * Crypto's `subtle.digest` costs a round trip through the runtime's thread pool and a promise
 * (about 60 µs per command in Node, profiled). The output is the same lowercase hex digest.
 */

/**
 * The canonical text of a value: object keys sorted (by UTF-16 code units, as `Array#sort` does),
 * keys whose value is `undefined` left out, Dates as their ISO string, everything else as
 * `JSON.stringify` writes it (so `undefined`, functions and symbols become `null`, and a hole in an
 * array writes nothing between its commas). Stored payload hashes depend on this text: it must not
 * change, byte for byte (test/shared/canonical.test.ts holds it to the first implementation).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      if (i in value) out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0) out += ",";
    out += `${JSON.stringify(k)}:${canonicalJson(record[k])}`;
  }
  return `${out}}`;
}

// ---- SHA-256 (FIPS 180-4) ----------------------------------------------------------------------

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const W = new Int32Array(64);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const encoder = new TextEncoder();
/** Reused message buffer (UTF-8 text, then the padding); grown when a longer text comes. */
let buffer = new Uint8Array(1024);

/**
 * SHA-256 of the UTF-8 encoding of `text` (lone surrogates encoded as U+FFFD, as TextEncoder
 * does), as 64 lowercase hex digits.
 */
export function sha256HexSync(text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; padding takes at most 72 more.
  const room = text.length * 3 + 72;
  if (buffer.length < room) buffer = new Uint8Array(Math.max(room, buffer.length * 2));
  const bytes = buffer;
  const length = encoder.encodeInto(text, bytes).written;
  // Padding: 0x80, zeros to 56 mod 64, then the bit length as a 64-bit big-endian integer.
  const padded = (((length + 8) >> 6) + 1) << 6;
  bytes[length] = 0x80;
  bytes.fill(0, length + 1, padded - 8);
  const bitsHigh = Math.floor(length / 0x20000000),
    bitsLow = (length << 3) >>> 0;
  bytes[padded - 8] = bitsHigh >>> 24;
  bytes[padded - 7] = bitsHigh >>> 16;
  bytes[padded - 6] = bitsHigh >>> 8;
  bytes[padded - 5] = bitsHigh;
  bytes[padded - 4] = bitsLow >>> 24;
  bytes[padded - 3] = bitsLow >>> 16;
  bytes[padded - 2] = bitsLow >>> 8;
  bytes[padded - 1] = bitsLow;

  let h0 = 0x6a09e667 | 0,
    h1 = 0xbb67ae85 | 0,
    h2 = 0x3c6ef372 | 0,
    h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f | 0,
    h5 = 0x9b05688c | 0,
    h6 = 0x1f83d9ab | 0,
    h7 = 0x5be0cd19 | 0;
  for (let off = 0; off < padded; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4;
      W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const a = W[i - 15]!,
        b = W[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4,
      f = h5,
      g = h6,
      h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  if (buffer.length > 1 << 16) buffer = new Uint8Array(1024); // do not keep a huge text's buffer
  return hexWord(h0) + hexWord(h1) + hexWord(h2) + hexWord(h3) + hexWord(h4) + hexWord(h5) + hexWord(h6) + hexWord(h7);
}

const hexWord = (w: number) => HEX[w >>> 24]! + HEX[(w >>> 16) & 0xff]! + HEX[(w >>> 8) & 0xff]! + HEX[w & 0xff]!;

/**
 * SHA-256 of the UTF-8 encoding of `text`, as 64 lowercase hex digits (the same digest as
 * `crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))`). Asynchronous in signature
 * only, as it has always been; `sha256HexSync` is the same digest without the promise.
 */
export async function sha256Hex(text: string): Promise<string> {
  return sha256HexSync(text);
}
