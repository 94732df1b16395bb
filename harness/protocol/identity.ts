// A user's long-term identity: an ECDSA signing key (names the user) and an ECDH key it signs.
import { fromBase64, toBase64 } from "./bytes.ts";
import { generateDhKeyPair, importDhPrivateKey, lazyKey, type PrivateKeyRef } from "./key-agreement.ts";
import { exportRawPublicKey, generateSigningKeyPair, sign, userIdFor } from "./signatures.ts";

export interface Identity {
  userId: string;
  signingKey: CryptoKey;
  signingPublic: Uint8Array;
  /** imported on first use (lazyKey) when the identity was imported */
  dhKey: PrivateKeyRef;
  dhPublic: Uint8Array;
  /** ECDSA signature of dhPublic by the signing key. */
  dhPublicSig: Uint8Array;
}

/** JSON form for fixtures and for handing an identity between runtimes (k6 <-> Node). */
export interface IdentityJson {
  signing: JsonWebKey;
  dh: JsonWebKey;
  dhPublicSig: string;
}

export async function createIdentity(): Promise<Identity> {
  const signing = await generateSigningKeyPair();
  const dh = await generateDhKeyPair();
  const signingPublic = await exportRawPublicKey(signing.publicKey);
  const dhPublic = await exportRawPublicKey(dh.publicKey);
  return {
    userId: await userIdFor(signingPublic),
    signingKey: signing.privateKey,
    signingPublic,
    dhKey: dh.privateKey,
    dhPublic,
    dhPublicSig: await sign(signing.privateKey, dhPublic),
  };
}

export async function exportIdentity(identity: Identity): Promise<IdentityJson> {
  return {
    signing: await crypto.subtle.exportKey("jwk", identity.signingKey),
    dh: await crypto.subtle.exportKey("jwk", await identity.dhKey),
    dhPublicSig: toBase64(identity.dhPublicSig),
  };
}

export async function importIdentity(json: IdentityJson): Promise<Identity> {
  const signingKey = await crypto.subtle.importKey("jwk", json.signing, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  const dh = json.dh; // the closure keeps this key only, not the whole identity's JSON
  const dhKey = lazyKey(() => importDhPrivateKey(dh));
  const signingPublic = rawFromJwk(json.signing);
  return {
    userId: await userIdFor(signingPublic),
    signingKey,
    signingPublic,
    dhKey,
    dhPublic: rawFromJwk(json.dh),
    dhPublicSig: fromBase64(json.dhPublicSig),
  };
}

/** The raw uncompressed point 0x04 || x || y of a P-256 JWK. */
export function rawFromJwk(jwk: JsonWebKey): Uint8Array {
  if (!jwk.x || !jwk.y) throw new Error("JWK has no x/y coordinates");
  const x = fromBase64(jwk.x);
  const y = fromBase64(jwk.y);
  const raw = new Uint8Array(65);
  raw[0] = 4;
  raw.set(x, 1 + 32 - x.length);
  raw.set(y, 33 + 32 - y.length);
  return raw;
}
