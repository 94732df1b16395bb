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

/** A private key that may not be imported yet (see lazyKey). */
export type PrivateKeyRef = CryptoKey | PromiseLike<CryptoKey>;

/**
 * A key imported the first time someone awaits it, not before: a simulated user holds its ECDH
 * identity key and signed prekey for key agreement, which users with sessions from before the
 * run may never need, and an import costs k6 about 300 us per key at sign-in.
 */
export function lazyKey(load: () => Promise<CryptoKey>): PromiseLike<CryptoKey> {
  let loaded: Promise<CryptoKey> | null = null;
  return { then: (onLoaded, onFailed) => (loaded ??= load()).then(onLoaded, onFailed) };
}

/** 32-byte shared secret between our private key and their raw public key. */
export async function dh(privateKey: PrivateKeyRef, theirRawPublicKey: Uint8Array): Promise<Uint8Array> {
  const publicKey = await importDhPublicKey(theirRawPublicKey);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: publicKey }, await privateKey, 256));
}
