// X3DH-style session agreement over P-256 (Signal's X3DH with ECDH P-256 and HKDF-SHA-256).
import { concatBytes, fromBase64, toBase64, toBase64Url, utf8 } from "./bytes.ts";
import type { PrekeyBundle } from "./frames.ts";
import { hkdf } from "./hkdf.ts";
import type { Identity } from "./identity.ts";
import { dh, generateDhKeyPair } from "./key-agreement.ts";
import { oneTimePrivateKey, takeOneTimePrekey, type PrekeyRing } from "./prekeys.ts";
import { exportRawPublicKey, userIdFor, verify } from "./signatures.ts";

const X3DH_INFO = "e2ee-chaos X3DH v1";

/** Sent in the clear inside the envelope until the responder has answered. */
export interface InitHeader {
  /** initiator's signing key, dh identity key and its signature (raw, base64) */
  ik: string;
  dk: string;
  dks: string;
  /** ephemeral key (raw, base64), the responder's signed prekey id and one-time prekey id */
  ek: string;
  spk: number;
  opk?: number;
}

export interface AgreedSession {
  sid: string;
  /** chain keys: initiator -> responder and responder -> initiator */
  chainToResponder: Uint8Array;
  chainToInitiator: Uint8Array;
}

export class KeyAgreementError extends Error {}

function derive(dhOutputs: Uint8Array[], initiatorDh: Uint8Array, responderDh: Uint8Array): Omit<AgreedSession, "sid"> {
  const ikm = concatBytes(new Uint8Array(32).fill(0xff), ...dhOutputs);
  const okm = hkdf(ikm, new Uint8Array(32), concatBytes(utf8(X3DH_INFO), initiatorDh, responderDh), 64);
  return { chainToResponder: okm.slice(0, 32), chainToInitiator: okm.slice(32, 64) };
}

async function sessionId(ephemeral: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", ephemeral.slice().buffer as ArrayBuffer));
  return toBase64Url(digest.subarray(0, 12));
}

/** Checks that a bundle belongs to `expectedUserId` and that its keys are signed by that identity. */
export async function verifyBundle(bundle: PrekeyBundle, expectedUserId: string): Promise<void> {
  const signingKey = fromBase64(bundle.signingKey);
  if ((await userIdFor(signingKey)) !== expectedUserId) throw new KeyAgreementError(`bundle signing key does not belong to ${expectedUserId}`);
  if (!(await verify(signingKey, fromBase64(bundle.dhKeySig), fromBase64(bundle.dhKey)))) throw new KeyAgreementError(`bad identity key signature in ${expectedUserId}'s bundle`);
  if (!(await verify(signingKey, fromBase64(bundle.signedPrekey.sig), fromBase64(bundle.signedPrekey.key)))) throw new KeyAgreementError(`bad signed prekey signature in ${expectedUserId}'s bundle`);
}

export async function initiate(me: Identity, bundle: PrekeyBundle, peerUserId: string): Promise<AgreedSession & { init: InitHeader }> {
  await verifyBundle(bundle, peerUserId);
  const ephemeral = await generateDhKeyPair();
  const ek = await exportRawPublicKey(ephemeral.publicKey);
  const peerDh = fromBase64(bundle.dhKey);
  const spk = fromBase64(bundle.signedPrekey.key);
  const outputs = [await dh(me.dhKey, spk), await dh(ephemeral.privateKey, peerDh), await dh(ephemeral.privateKey, spk)];
  if (bundle.oneTimePrekey) outputs.push(await dh(ephemeral.privateKey, fromBase64(bundle.oneTimePrekey.key)));
  const init: InitHeader = {
    ik: toBase64(me.signingPublic), dk: toBase64(me.dhPublic), dks: toBase64(me.dhPublicSig),
    ek: toBase64(ek), spk: bundle.signedPrekey.id, ...(bundle.oneTimePrekey ? { opk: bundle.oneTimePrekey.id } : {}),
  };
  return { sid: await sessionId(ek), init, ...(derive(outputs, me.dhPublic, peerDh)) };
}

/** The one-time prekey an incoming agreement used: consumed now, or `reused` within its grace (takeOneTimePrekey). */
export interface OneTimePrekeyUse { id: number; reused: boolean }

/**
 * The responder's side. Consumes the one-time prekey the initiator used: it can never be used
 * again, except within `oneTimeGraceMs` of its consumption (0: never; see takeOneTimePrekey).
 */
export async function respond(me: Identity, ring: PrekeyRing, init: InitHeader, fromUserId: string, oneTimeGraceMs = 0): Promise<AgreedSession & { oneTime?: OneTimePrekeyUse }> {
  const signingKey = fromBase64(init.ik);
  const initiatorDh = fromBase64(init.dk);
  if ((await userIdFor(signingKey)) !== fromUserId) throw new KeyAgreementError(`init header identity does not belong to sender ${fromUserId}`);
  if (!(await verify(signingKey, fromBase64(init.dks), initiatorDh))) throw new KeyAgreementError(`bad identity key signature from ${fromUserId}`);
  if (init.spk !== ring.signed.id) throw new KeyAgreementError(`unknown signed prekey id ${init.spk}`);
  const ek = fromBase64(init.ek);
  const outputs = [await dh(ring.signed.privateKey, initiatorDh), await dh(me.dhKey, ek), await dh(ring.signed.privateKey, ek)];
  let oneTime: OneTimePrekeyUse | undefined;
  if (init.opk !== undefined) {
    const taken = takeOneTimePrekey(ring, init.opk, oneTimeGraceMs);
    if (!taken) throw new KeyAgreementError(`one-time prekey ${init.opk} is unknown or already used${oneTimeGraceMs > 0 ? ` (and its grace of ${oneTimeGraceMs} ms over)` : ""}`);
    outputs.push(await dh(await oneTimePrivateKey(taken.prekey), ek));
    oneTime = { id: init.opk, reused: taken.reused };
  }
  return { sid: await sessionId(ek), ...(derive(outputs, initiatorDh, me.dhPublic)), ...(oneTime ? { oneTime } : {}) };
}
