/**
 * The idempotency hash (src/shared/canonical.ts): the pure-JS SHA-256 against the FIPS 180-4 / NIST
 * vectors and against Web Crypto, and canonicalJson against its first implementation, byte for
 * byte (stored payload hashes depend on it).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex, sha256HexSync } from "../../src/shared/canonical.js";

async function webCrypto(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** canonicalJson as first written (before it was made faster): the output must never change. */
function canonicalJsonV1(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJsonV1).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJsonV1((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The result of `fn`, or the class of what it threw. */
function outcome(fn: () => string): { ok: string } | { threw: string } {
  try {
    return { ok: fn() };
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}

describe("sha256HexSync", () => {
  it("gives the NIST / FIPS 180-4 digests", () => {
    expect(sha256HexSync("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256HexSync("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // 448 bits: the padding needs a second block.
    expect(sha256HexSync("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    // 896 bits.
    expect(
      sha256HexSync(
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      ),
    ).toBe("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    expect(sha256HexSync("a".repeat(1_000_000))).toBe(
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    );
    expect(sha256HexSync("The quick brown fox jumps over the lazy dog")).toBe(
      "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
    );
  });

  it("hashes multi-byte UTF-8 as Web Crypto does", async () => {
    for (const text of [
      "é",
      "£250.00",
      "日本語のテキスト",
      "🎉 emoji 👩‍👩‍👧",
      "Ωmega ∑ ∞ \u0000 nul",
      "\u{10FFFF}",
      "\uFEFFbom",
    ]) {
      expect(sha256HexSync(text), text).toBe(await webCrypto(text));
    }
  });

  it("encodes lone surrogates as U+FFFD, as TextEncoder does", async () => {
    const replacement = sha256HexSync("\ufffd");
    expect(sha256HexSync("\ud800")).toBe(replacement);
    expect(sha256HexSync("\udc00")).toBe(replacement);
    expect(sha256HexSync("a\ud83db")).toBe(sha256HexSync("a\ufffdb"));
    expect(sha256HexSync("\udc00\ud800")).toBe(sha256HexSync("\ufffd\ufffd"));
    expect(sha256HexSync("end\ud83d")).toBe(await webCrypto("end\ud83d"));
    // A well-formed pair is one code point, not two replacements.
    expect(sha256HexSync("\ud83d\ude00")).toBe(await webCrypto("😀"));
  });

  it("agrees with Web Crypto at every length around the block and padding boundaries", async () => {
    for (let n = 0; n <= 200; n++) {
      const ascii = "x".repeat(n);
      expect(sha256HexSync(ascii), `length ${n}`).toBe(await webCrypto(ascii));
      const twoByte = "é".repeat(n); // 2n bytes
      expect(sha256HexSync(twoByte), `é × ${n}`).toBe(await webCrypto(twoByte));
    }
  });

  it("agrees with Web Crypto on random strings of any UTF-16 code units", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 300 }),
          fc.string({ unit: "grapheme", maxLength: 100 }),
          fc.string({ maxLength: 1000 }),
        ),
        async (text) => {
          expect(sha256HexSync(text)).toBe(await webCrypto(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("is unaffected by an earlier, longer text (its buffer is reused and grown)", async () => {
    const long = "ü".repeat(70_000) + "\ud800";
    expect(sha256HexSync(long)).toBe(await webCrypto(long));
    expect(sha256HexSync("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const medium = "z".repeat(5_000);
    expect(sha256HexSync(medium)).toBe(await webCrypto(medium));
    expect(sha256HexSync("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("sha256Hex resolves to the same digest", async () => {
    const pending = sha256Hex("abc");
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("canonicalJson", () => {
  it("writes what its first implementation wrote, byte for byte, or throws what it threw", () => {
    const value = fc.anything({
      withDate: true,
      withSparseArray: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withBigInt: true,
      withObjectString: true,
      withUnicodeString: true,
      maxDepth: 4,
    });
    fc.assert(
      fc.property(
        fc.oneof(
          value,
          fc.array(fc.option(value, { nil: undefined })),
          fc.dictionary(fc.string(), fc.option(value, { nil: undefined })),
        ),
        (v) => {
          expect(outcome(() => canonicalJson(v))).toEqual(outcome(() => canonicalJsonV1(v)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("writes the engine's payloads as before", () => {
    const payload = fc.record({
      command: fc.constantFrom("purchase", "refund", "enroll", "spend", "adjust", "event"),
      input: fc.record(
        {
          key: fc.string(),
          memberId: fc.string({ unit: "binary" }),
          purchaseId: fc.option(fc.string(), { nil: undefined }),
          amount: fc.stringMatching(/^\d{1,6}\.\d{2}$/),
          currency: fc.constantFrom("GBP", "USD"),
          occurredAt: fc.option(
            fc.oneof(
              fc.date({ noInvalidDate: true }),
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            ),
            { nil: undefined },
          ),
          lines: fc.option(
            fc.array(
              fc.record({
                sku: fc.string(),
                category: fc.option(fc.string(), { nil: undefined }),
                quantity: fc.integer(),
                amount: fc.string(),
              }),
            ),
            { nil: undefined },
          ),
          attributes: fc.option(
            fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null))),
            { nil: undefined },
          ),
        },
        { requiredKeys: ["key", "memberId", "amount"] },
      ),
    });
    fc.assert(
      fc.property(payload, (p) => {
        expect(canonicalJson(p)).toBe(canonicalJsonV1(p));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps the edge cases: holes, undefined, Dates, -0, non-finite numbers, nested order", () => {
    const cases: unknown[] = [
      // eslint-disable-next-line no-sparse-arrays
      [, 1, , undefined, null],
      { b: 1, a: undefined, c: [undefined, () => 1, Symbol("s")] },
      new Date(0),
      -0,
      NaN,
      Infinity,
      { "\u00e9": 1, e: 2, E: 3, "10": 4, "9": 5, "": 6 },
      Object.assign(Object.create(null), { z: 1, y: { x: [new Date(1e12)] } }),
      "\ud800",
      undefined,
      null,
      true,
    ];
    for (const c of cases) expect(canonicalJson(c)).toBe(canonicalJsonV1(c));
    expect(canonicalJson({ command: "purchase", input: { memberId: "42", key: "k", amount: "1.00" } })).toBe(
      '{"command":"purchase","input":{"amount":"1.00","key":"k","memberId":"42"}}',
    );
    expect(() => canonicalJson(new Date(NaN))).toThrow(RangeError);
  });
});
