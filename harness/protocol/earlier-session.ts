// A session two contacts agreed before the run, as people who have written to each other before
// hold one: the population gives each side the two chain keys of the pair (never sent to the
// relay), derived when the population is made from one random secret and bound to both user ids.
// The ratchet and the envelope are the same as after X3DH; only the key agreement is left out of
// the run (users reconnecting after an outage do not agree new keys with every contact either).
// A pair without one still runs X3DH through the relay.
import { randomBytes, toBase64, toBase64Url, utf8 } from "./bytes.ts";
import { hkdfExpand } from "./hkdf.ts";

const EARLIER_SESSION_INFO = "e2ee-chaos earlier session v1";

/** One side's copy of an earlier session (population JSON). */
export interface EarlierSessionJson {
  /** population index of the other side */
  peer: number;
  sid: string;
  /** first chain keys, base64: this side sends on `send` and receives on `recv` (the other side's copy has them swapped) */
  send: string;
  recv: string;
}

export interface EarlierSessionParty { index: number; userId: string }

/**
 * A new earlier session between two population members, one copy for each: the chain keys are
 * HKDF-Expand of a fresh random secret (uniformly random, so HKDF's extract step adds nothing),
 * bound to both user ids, initiator's first. Deriving them here, not in k6, saves every user
 * 75 us of k6 CPU per contact.
 */
export function newEarlierSession(initiator: EarlierSessionParty, responder: EarlierSessionParty): [EarlierSessionJson, EarlierSessionJson] {
  const sid = toBase64Url(randomBytes(12));
  const okm = hkdfExpand(randomBytes(32), utf8(`${EARLIER_SESSION_INFO} ${initiator.userId} ${responder.userId}`), 64);
  const toResponder = toBase64(okm.slice(0, 32));
  const toInitiator = toBase64(okm.slice(32, 64));
  return [{ peer: responder.index, sid, send: toResponder, recv: toInitiator }, { peer: initiator.index, sid, send: toInitiator, recv: toResponder }];
}
