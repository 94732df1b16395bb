// AES-256-GCM with associated data; a wrong key, iv, ciphertext or associated data throws.
import { buf } from "./bytes.ts";

export const IV_LENGTH = 12;

// Plain promise chains with as few steps as the work needs, no async functions: in k6's
// interpreter every async function adds a generator and two promise jobs per call (once a third
// of k6's CPU per message), and every further `.then` a job and a promise.

export function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", buf(raw), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

const params = (iv: Uint8Array, associatedData: Uint8Array) => ({ name: "AES-GCM", iv: buf(iv), additionalData: buf(associatedData), tagLength: 128 });

/** Encrypts with an imported key under a given iv; the caller guarantees the iv is never reused with that key. Resolves to ciphertext and tag. */
export function sealWithKey(key: CryptoKey, iv: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Promise<ArrayBuffer> {
  return crypto.subtle.encrypt(params(iv, associatedData), key, buf(plaintext));
}

/** Resolves to the plaintext; rejects for a wrong key, iv, ciphertext or associated data. */
export function openWithKey(key: CryptoKey, iv: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Promise<ArrayBuffer> {
  if (iv.length !== IV_LENGTH) return Promise.reject(new Error(`AES-GCM iv must be ${IV_LENGTH} bytes, got ${iv.length}`));
  return crypto.subtle.decrypt(params(iv, associatedData), key, buf(ciphertext));
}

/** Encrypts with a raw key used once (the caller picks a fresh iv). */
export function seal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Promise<ArrayBuffer> {
  return importAesKey(key).then((k) => sealWithKey(k, iv, plaintext, associatedData));
}

export function open(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Promise<ArrayBuffer> {
  return importAesKey(key).then((k) => openWithKey(k, iv, ciphertext, associatedData));
}

/** The iv of message `n` under a key used for many messages: 4 zero bytes and n as a 64-bit big-endian counter. */
export function counterIv(n: number): Uint8Array {
  const iv = new Uint8Array(IV_LENGTH);
  new DataView(iv.buffer).setUint32(4, Math.floor(n / 2 ** 32));
  new DataView(iv.buffer).setUint32(8, n >>> 0);
  return iv;
}
