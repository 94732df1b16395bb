// A short digest of a delivered message's body, as it came off the wire, for the record of every
// copy: the harness compares each later copy with the one shown (harness/record/message-records.ts),
// so a copy whose bytes were altered is seen even when the client's dedupe drops it unread.
// k6's native SHA-256 (k6/crypto), never a hash written in JavaScript.
import * as k6crypto from "k6/crypto";

// taken once: every use of a Go module's named import wraps the function again (k6-primitives.ts)
const { sha256 } = k6crypto;

/** base64url characters kept of the SHA-256: 12 are 72 bits, enough to tell two bodies apart */
export const BODY_DIGEST_CHARS = 12;

export function bodyDigest(body: string): string {
  return sha256(body, "base64rawurl").slice(0, BODY_DIGEST_CHARS);
}
