import { hkdfSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../../harness/protocol/bytes.ts";
import { hkdf, hkdfExtract } from "../../harness/protocol/hkdf.ts";

const range = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

// RFC 5869, appendix A, test cases 1-3 (SHA-256).
const CASES = [
  {
    name: "A.1 basic",
    ikm: new Uint8Array(22).fill(0x0b), salt: range(0x00, 0x0c), info: range(0xf0, 0xf9), length: 42,
    prk: "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
    okm: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
  },
  {
    name: "A.2 longer inputs and outputs",
    ikm: range(0x00, 0x4f), salt: range(0x60, 0xaf), info: range(0xb0, 0xff), length: 82,
    prk: "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
    okm: "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
  },
  {
    name: "A.3 zero-length salt and info",
    ikm: new Uint8Array(22).fill(0x0b), salt: new Uint8Array(0), info: new Uint8Array(0), length: 42,
    prk: "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
    okm: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
  },
];

describe("HKDF-SHA-256 built on HMAC", () => {
  for (const c of CASES) {
    it(`matches RFC 5869 test case ${c.name}`, async () => {
      expect(bytesToHex(await hkdfExtract(c.salt, c.ikm))).toBe(c.prk);
      expect(bytesToHex(await hkdf(c.ikm, c.salt, c.info, c.length))).toBe(c.okm);
    });
  }

  it("agrees with Node's own HKDF on random inputs of many lengths", async () => {
    for (let i = 0; i < 50; i++) {
      const ikm = randomBytes(1 + (i * 7) % 90), salt = randomBytes((i * 5) % 70), info = randomBytes((i * 3) % 40);
      const length = 1 + (i * 37) % 300;
      const expected = new Uint8Array(hkdfSync("sha256", ikm, salt, info, length));
      expect(bytesToHex(await hkdf(ikm, salt, info, length))).toBe(bytesToHex(expected));
    }
  });

  it("refuses an output longer than 255 blocks", () => {
    expect(() => hkdf(hexToBytes("00"), new Uint8Array(0), new Uint8Array(0), 255 * 32 + 1)).toThrow(/exceeds 8160/);
  });
});
