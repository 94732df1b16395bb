// The record one newcomer of the surge scenario writes when its sign-up ends (one JSON line on
// k6's console output beside the message records): what it took to connect, register, fetch its
// contacts' prekey bundles and get its first message across. Written in k6 (newcomer.ts), read
// by the harness (harness/analysis/surge/).
import { recordEvent, type ClientEvent } from "../client-events.ts";

/** One prekey bundle a newcomer fetched. */
export interface BundleFetch {
  /** the contact's population index */
  contact: number;
  /** when the first request went out (epoch ms) */
  at: number;
  /** first request to bundle; null: no bundle before the sign-up ended */
  latencyMs: number | null;
  /** the one-time prekey the relay handed out, or (XMPP) the newcomer picked from the bundle's list; null: none left, the agreement fell back to the signed prekey */
  oneTimePrekey: number | null;
  /** requests the relay refused as busy (rate_limited, no_prekeys) before it answered */
  retries: number;
}

export type SignUpOutcome = "registered" | "refused" | "unfinished";

export interface SignUpRecord {
  ev: "signup";
  /** the newcomer's index: beyond the population's, so its message ids never meet an existing user's */
  user: number;
  /** sign-up start: the connection attempt (epoch ms) */
  startedAt: number;
  /** generating the identity key (before connecting; WebCrypto in k6) */
  identityKeyMs: number;
  /** logged in (auth_ok); null: never */
  connectedAt: number | null;
  /** generating the signed prekey and the one-time prekeys */
  prekeysMs: number | null;
  /** the server stored the published keys; null: never */
  registeredAt: number | null;
  outcome: SignUpOutcome;
  /** who chose the one-time prekey of each bundle: the server, handing each out once (the relay), or the newcomer, from the published list (XMPP's PEP) */
  oneTimePrekeysPicked: "by-server" | "by-client";
  /** the server's reasons, in order: error codes of refused publishes, and `connect:<reason>` of failed connection attempts */
  refusals: string[];
  fetches: BundleFetch[];
  /** the ids of the first messages (one per contact) */
  firstMessages: string[];
  /** answers from contacts that arrived */
  answers: number;
  /** when the record was written */
  t: number;
}

export function recordSignUp(record: SignUpRecord): void {
  // a JSON record line: the harness's decoder passes every JSON object with an `ev` through
  recordEvent(record as unknown as ClientEvent);
}

export function isSignUpRecord(event: { ev: string }): event is SignUpRecord {
  return event.ev === "signup";
}
