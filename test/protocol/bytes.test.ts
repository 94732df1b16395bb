import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buf, fromBase64, toBase64, toBase64Url } from "../../harness/protocol/bytes.ts";

describe("base64 shared by Node and k6", () => {
  it("round-trips and matches Node's encoder for every length up to 300", () => {
    for (let n = 0; n <= 300; n++) {
      const data = new Uint8Array(randomBytes(n));
      expect(toBase64(data)).toBe(Buffer.from(data).toString("base64"));
      expect(toBase64Url(data)).toBe(Buffer.from(data).toString("base64url"));
      expect(Array.from(fromBase64(toBase64(data)))).toEqual(Array.from(data));
      expect(Array.from(fromBase64(toBase64Url(data)))).toEqual(Array.from(data));
    }
  });

  it("rejects characters outside the alphabet", () => {
    expect(() => fromBase64("ab$d")).toThrow(/invalid base64/);
    expect(() => fromBase64("abcde")).toThrow(/invalid base64/);
  });
});

describe("buf: the bytes as an ArrayBuffer of their own (what WebCrypto reads)", () => {
  it("hands over a view's buffer when the view spans it, and copies any other view", () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5]);
    expect(buf(whole)).toBe(whole.buffer);
    for (const view of [whole.subarray(1, 4), whole.subarray(0, 3), whole.subarray(2)]) {
      const out = buf(view);
      expect(out).not.toBe(whole.buffer);
      expect(Array.from(new Uint8Array(out))).toEqual(Array.from(view));
    }
  });
});
