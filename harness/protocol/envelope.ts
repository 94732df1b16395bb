// The end-to-end envelope carried as the relay's opaque `body`, and the associated data it binds.
import { fromBase64, fromUtf8, toBase64, utf8 } from "./bytes.ts";
import type { InitHeader } from "./x3dh.ts";

export interface Envelope {
  v: 1;
  sid: string;
  n: number;
  init?: InitHeader;
  /** "session": sealed with the session's one key and a counter iv (crypto mode `session`); absent: the ratchet's key for `n` */
  km?: "session";
  iv: string;
  ct: string;
}

export function encodeEnvelope(envelope: Envelope): string {
  return toBase64(utf8(JSON.stringify(envelope)));
}

/** null for anything that is not a well-formed v1 envelope. */
export function decodeEnvelope(body: string): Envelope | null {
  try {
    const e = JSON.parse(fromUtf8(fromBase64(body)));
    const ok = e && e.v === 1 && typeof e.sid === "string" && Number.isInteger(e.n) && e.n >= 0 && typeof e.iv === "string" && typeof e.ct === "string" && (e.km === undefined || e.km === "session");
    return ok ? (e as Envelope) : null;
  } catch {
    return null;
  }
}

/** Associated data: binds protocol version, sender, recipient, message id, session and counter. */
export function aadFor(from: string, to: string, messageId: string, sid: string, n: number): Uint8Array {
  return utf8(`e2ee-chaos:v1|${from}|${to}|${messageId}|${sid}|${n}`);
}
