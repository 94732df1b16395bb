// P-256 identities and prekey rings for the population generator, made with node:crypto instead
// of WebCrypto: same JSON (IdentityJson, PrekeyRingJson, key for key and field for field as
// crypto.subtle.exportKey("jwk") writes it) and the same signatures as harness/protocol, about
// ten times faster. Node only: k6 and the protocol code import the JSON with WebCrypto.
//
// Keys come from the legacy ECDH class, not generateKeyPairSync + KeyObject.export({format:"jwk"}):
// - on Node 20.20 that pair deadlocks after a few thousand keys (the JWK export holds the key's
//   mutex while allocating strings; a GC in between runs the finished KeyGenJob's destructor,
//   which takes the same mutex);
// - ECDH.generateKeys is 2-4x faster (no OpenSSL 3 provider/decoder round trip per key).
// Only the identity signing key needs a KeyObject (to sign), imported once per user.
import { createECDH, createHash, createPrivateKey, sign, type ECDH } from "node:crypto";
import type { IdentityJson } from "../protocol/identity.ts";
import type { PrekeyRingJson } from "../protocol/prekeys.ts";

export interface GeneratedUser {
  userId: string;
  identity: IdentityJson;
  prekeys: PrekeyRingJson;
}

interface RawKey {
  /** private scalar, 32 bytes */
  d: Buffer;
  /** uncompressed public point 0x04 || x || y, 65 bytes */
  pub: Buffer;
}

let ecdh: ECDH | undefined;

/** A fresh random P-256 key (generateKeys replaces the previous key of the reused ECDH object). */
function newKey(): RawKey {
  ecdh ??= createECDH("prime256v1");
  const pub = ecdh.generateKeys(); // returns the public key: a second getPublicKey() would redo the point conversion
  const d = ecdh.getPrivateKey();
  return { d: d.length === 32 ? d : Buffer.concat([Buffer.alloc(32 - d.length), d]), pub };
}

/** The private JWK exactly as WebCrypto exports it: same members in the same order. */
function privateJwk(key: RawKey, usage: "sign" | "deriveBits"): JsonWebKey {
  return {
    key_ops: [usage],
    ext: true,
    kty: "EC",
    x: key.pub.toString("base64url", 1, 33),
    y: key.pub.toString("base64url", 33, 65),
    crv: "P-256",
    d: key.d.toString("base64url"),
  };
}

/** ECDSA P-256 / SHA-256 as harness/protocol/signatures.ts: raw r || s, base64. */
function signer(key: RawKey): (data: Buffer) => string {
  const jwk = privateJwk(key, "sign");
  const privateKey = createPrivateKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, d: jwk.d }, format: "jwk" });
  return (data) => sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64");
}

/** As harness/protocol/signatures.ts userIdFor: base64url of the first 16 bytes of SHA-256(raw signing key). */
export function userIdOf(rawSigningKey: Uint8Array): string {
  return createHash("sha256").update(rawSigningKey).digest().subarray(0, 16).toString("base64url");
}

/**
 * One user as createIdentity + createPrekeyRing(identity, oneTimePrekeys) + export would make it:
 * the signing key signs the DH identity key and the signed prekey (id 1); one-time prekeys are
 * numbered from 1.
 */
export function generateUser(oneTimePrekeys: number): GeneratedUser {
  const signing = newKey();
  const dh = newKey();
  const signedPrekey = newKey();
  const signWith = signer(signing);
  const oneTime: PrekeyRingJson["oneTime"] = [];
  for (let id = 1; id <= oneTimePrekeys; id++) oneTime.push({ id, jwk: privateJwk(newKey(), "deriveBits") });
  return {
    userId: userIdOf(signing.pub),
    identity: { signing: privateJwk(signing, "sign"), dh: privateJwk(dh, "deriveBits"), dhPublicSig: signWith(dh.pub) },
    prekeys: { signed: { id: 1, jwk: privateJwk(signedPrekey, "deriveBits"), sig: signWith(signedPrekey.pub) }, oneTime, nextOneTimeId: oneTimePrekeys + 1 },
  };
}
