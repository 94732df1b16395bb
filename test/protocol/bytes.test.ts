import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromBase64, toBase64, toBase64Url } from "../../harness/protocol/bytes.ts";

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
