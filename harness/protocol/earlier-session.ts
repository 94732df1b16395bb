// A session two contacts agreed before the run, as people who have written to each other before
// hold one: the population gives both of them the same secret (never sent to the relay), and
// each derives the two chain keys from it. The ratchet and the envelope are the same as after
// X3DH; only the key agreement is left out of the run (users reconnecting after an outage do not
// agree new keys with every contact either). A pair without one still runs X3DH through the relay.
import { fromBase64, randomBytes, toBase64, toBase64Url, utf8 } from "./bytes.ts";
import { hkdfExpand } from "./hkdf.ts";

const EARLIER_SESSION_INFO = "e2ee-chaos earlier session v1";

/** One side's copy of an earlier session (population JSON). */
export interface EarlierSessionJson {
  /** population index of the other side */
  peer: number;
  sid: string;
  /** 32 random bytes, base64: both sides hold the same */
  secret: string;
  /** this side plays X3DH's initiator: it sends on the first chain key */
  initiator: boolean;
}

/** A new earlier session between two population members, one copy for each of them. */
export function newEarlierSession(initiator: number, responder: number): [EarlierSessionJson, EarlierSessionJson] {
  const sid = toBase64Url(randomBytes(12));
  const secret = toBase64(randomBytes(32));
  return [{ peer: responder, sid, secret, initiator: true }, { peer: initiator, sid, secret, initiator: false }];
}

/**
 * The chain keys of an earlier session, bound to both user ids (initiator's first): HKDF-Expand
 * of the secret, which is already uniformly random (so HKDF's extract step adds nothing).
 */
export function earlierSessionChains(secret: string, initiatorUserId: string, responderUserId: string): { chainToResponder: Uint8Array; chainToInitiator: Uint8Array } {
  const okm = hkdfExpand(fromBase64(secret), utf8(`${EARLIER_SESSION_INFO} ${initiatorUserId} ${responderUserId}`), 64);
  return { chainToResponder: okm.slice(0, 32), chainToInitiator: okm.slice(32, 64) };
}
