// ECDSA P-256 / SHA-256 signatures with raw public keys and raw r||s signatures.
import { buf, fromBase64, toBase64Url } from "./bytes.ts";

const ECDSA = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

export async function generateSigningKeyPair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ECDSA, true, ["sign", "verify"])) as CryptoKeyPair;
}

export async function exportRawPublicKey(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey("raw", key));
}

export async function importVerifyKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", buf(raw), ECDSA, true, ["verify"]);
}

export async function sign(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(SIGN, privateKey, buf(data)));
}

/** False for a signature that does not verify or a key that does not parse; never throws. */
export async function verify(rawPublicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    if (rawPublicKey.length !== 65 || signature.length !== 64) return false;
    const key = await importVerifyKey(rawPublicKey);
    return await crypto.subtle.verify(SIGN, key, buf(signature), buf(data));
  } catch {
    return false;
  }
}

export async function verifyBase64(publicKeyB64: string, signatureB64: string, data: Uint8Array): Promise<boolean> {
  try {
    return await verify(fromBase64(publicKeyB64), fromBase64(signatureB64), data);
  } catch {
    return false;
  }
}

/** The relay-side user id: base64url of the first 16 bytes of SHA-256(raw signing public key). */
export async function userIdFor(rawSigningKey: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buf(rawSigningKey)));
  return toBase64Url(digest.subarray(0, 16));
}

