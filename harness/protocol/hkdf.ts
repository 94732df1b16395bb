// HKDF (RFC 5869) built on HMAC-SHA-256, because k6's WebCrypto has no HKDF. HMAC comes from the
// runtime's native code (synchronous: k6/crypto, node:crypto), which costs a fraction of a
// WebCrypto importKey + sign round trip through k6's event loop.
import { concatBytes } from "./bytes.ts";
import { primitives } from "./native-primitives.ts";

const HASH_LEN = 32;

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return primitives().hmacSha256(key, data);
}

export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmacSha256(salt.length > 0 ? salt : new Uint8Array(HASH_LEN), ikm);
}

export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 255 * HASH_LEN) throw new Error(`HKDF length ${length} exceeds ${255 * HASH_LEN}`);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, o = 0; o < length; i++) {
    previous = hmacSha256(prk, concatBytes(previous, info, new Uint8Array([i])));
    out.set(previous.subarray(0, Math.min(HASH_LEN, length - o)), o);
    o += HASH_LEN;
  }
  return out;
}

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return hkdfExpand(hkdfExtract(salt, ikm), info, length);
}
