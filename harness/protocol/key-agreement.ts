// ECDH P-256 through deriveBits (the only ECDH form k6's WebCrypto offers).
import { buf } from "./bytes.ts";

const ECDH = { name: "ECDH", namedCurve: "P-256" } as const;

export async function generateDhKeyPair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ECDH, true, ["deriveBits"])) as CryptoKeyPair;
}

export async function importDhPublicKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", buf(raw), ECDH, true, []);
}

export async function importDhPrivateKey(jwk: JsonWebKey): Promise<CryptoKey> {
  return crypto.subtle.importKey("jwk", jwk, ECDH, true, ["deriveBits"]);
}

/** 32-byte shared secret between our private key and their raw public key. */
export async function dh(privateKey: CryptoKey, theirRawPublicKey: Uint8Array): Promise<Uint8Array> {
  const publicKey = await importDhPublicKey(theirRawPublicKey);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: publicKey }, privateKey, 256));
}
