// AES-256-GCM with associated data; a wrong key, iv, ciphertext or associated data throws.
import { buf, randomBytes } from "./bytes.ts";

export const IV_LENGTH = 12;

async function aesKey(raw: Uint8Array, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", buf(raw), { name: "AES-GCM" }, false, [usage]);
}

export async function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Promise<{ iv: Uint8Array; ciphertext: Uint8Array }> {
  const iv = randomBytes(IV_LENGTH);
  const params = { name: "AES-GCM", iv: buf(iv), additionalData: buf(associatedData), tagLength: 128 };
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt(params, await aesKey(key, "encrypt"), buf(plaintext)));
  return { iv, ciphertext };
}

export async function open(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array> {
  if (iv.length !== IV_LENGTH) throw new Error(`AES-GCM iv must be ${IV_LENGTH} bytes, got ${iv.length}`);
  const params = { name: "AES-GCM", iv: buf(iv), additionalData: buf(associatedData), tagLength: 128 };
  return new Uint8Array(await crypto.subtle.decrypt(params, await aesKey(key, "decrypt"), buf(ciphertext)));
}
