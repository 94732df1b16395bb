// AES-256-GCM with associated data; a wrong key, iv, ciphertext or associated data throws.
import { buf, randomBytes } from "./bytes.ts";

export const IV_LENGTH = 12;

export async function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", buf(raw), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

const params = (iv: Uint8Array, associatedData: Uint8Array) => ({ name: "AES-GCM", iv: buf(iv), additionalData: buf(associatedData), tagLength: 128 });

/** Encrypts with an imported key under a given iv; the caller guarantees the iv is never reused with that key. */
export async function sealWithKey(key: CryptoKey, iv: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.encrypt(params(iv, associatedData), key, buf(plaintext)));
}

export async function openWithKey(key: CryptoKey, iv: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array> {
  if (iv.length !== IV_LENGTH) throw new Error(`AES-GCM iv must be ${IV_LENGTH} bytes, got ${iv.length}`);
  return new Uint8Array(await crypto.subtle.decrypt(params(iv, associatedData), key, buf(ciphertext)));
}

/** Encrypts under a fresh random iv with a raw key used once. */
export async function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Promise<{ iv: Uint8Array; ciphertext: Uint8Array }> {
  const iv = randomBytes(IV_LENGTH);
  return { iv, ciphertext: await sealWithKey(await importAesKey(key), iv, plaintext, associatedData) };
}

export async function open(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array> {
  return openWithKey(await importAesKey(key), iv, ciphertext, associatedData);
}

/** The iv of message `n` under a key used for many messages: 4 zero bytes and n as a 64-bit big-endian counter. */
export function counterIv(n: number): Uint8Array {
  const iv = new Uint8Array(IV_LENGTH);
  new DataView(iv.buffer).setUint32(4, Math.floor(n / 2 ** 32));
  new DataView(iv.buffer).setUint32(8, n >>> 0);
  return iv;
}
