// AES-256-GCM with associated data; a wrong key, iv, ciphertext or associated data throws.
import { buf, randomBytes } from "./bytes.ts";

export const IV_LENGTH = 12;

// Plain promise chains, no async functions: in k6's interpreter every async function adds a
// generator and two promise jobs per call, which showed up as a third of k6's CPU per message.

export function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", buf(raw), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

const params = (iv: Uint8Array, associatedData: Uint8Array) => ({ name: "AES-GCM", iv: buf(iv), additionalData: buf(associatedData), tagLength: 128 });

/** Encrypts with an imported key under a given iv; the caller guarantees the iv is never reused with that key. */
export function sealWithKey(key: CryptoKey, iv: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array> {
  return crypto.subtle.encrypt(params(iv, associatedData), key, buf(plaintext)).then((ct) => new Uint8Array(ct));
}

export function openWithKey(key: CryptoKey, iv: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array> {
  if (iv.length !== IV_LENGTH) return Promise.reject(new Error(`AES-GCM iv must be ${IV_LENGTH} bytes, got ${iv.length}`));
  return crypto.subtle.decrypt(params(iv, associatedData), key, buf(ciphertext)).then((pt) => new Uint8Array(pt));
}

/** Encrypts under a fresh random iv with a raw key used once. */
export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Promise<{ iv: Uint8Array; ciphertext: Uint8Array }> {
  const iv = randomBytes(IV_LENGTH);
  return importAesKey(key).then((k) => sealWithKey(k, iv, plaintext, associatedData)).then((ciphertext) => ({ iv, ciphertext }));
}

export function open(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array> {
  return importAesKey(key).then((k) => openWithKey(k, iv, ciphertext, associatedData));
}

/** The iv of message `n` under a key used for many messages: 4 zero bytes and n as a 64-bit big-endian counter. */
export function counterIv(n: number): Uint8Array {
  const iv = new Uint8Array(IV_LENGTH);
  new DataView(iv.buffer).setUint32(4, Math.floor(n / 2 ** 32));
  new DataView(iv.buffer).setUint32(8, n >>> 0);
  return iv;
}
