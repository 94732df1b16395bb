// HKDF (RFC 5869) built on HMAC-SHA-256, because k6's WebCrypto has no HKDF.
import { buf, concatBytes } from "./bytes.ts";

const HASH_LEN = 32;

export async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", buf(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, buf(data)));
}

export async function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array> {
  return hmacSha256(salt.length > 0 ? salt : new Uint8Array(HASH_LEN), ikm);
}

export async function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  if (length > 255 * HASH_LEN) throw new Error(`HKDF length ${length} exceeds ${255 * HASH_LEN}`);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, o = 0; o < length; i++) {
    previous = await hmacSha256(prk, concatBytes(previous, info, new Uint8Array([i])));
    out.set(previous.subarray(0, Math.min(HASH_LEN, length - o)), o);
    o += HASH_LEN;
  }
  return out;
}

export async function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  return hkdfExpand(await hkdfExtract(salt, ikm), info, length);
}
