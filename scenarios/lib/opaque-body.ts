// Message bodies of crypto mode `opaque`: random bytes as long as the E2E envelope of the same
// plaintext would be, so the relay stores and forwards the same sizes without anyone encrypting.
// The first 8 bytes carry the send time (milliseconds, big-endian) for the delivery latency.
import { randomBytes, toBase64 } from "../../harness/protocol/bytes.ts";

/** Bytes of a `full`-mode envelope (JSON with sid, n, iv and the base64 ciphertext with its 16-byte tag), before its own base64. */
export function envelopeBytes(plaintextLength: number): number {
  return 62 + Math.ceil((plaintextLength + 16) / 3) * 4;
}

export function opaqueBody(sentAt: number, plaintextLength: number): string {
  const bytes = randomBytes(envelopeBytes(plaintextLength));
  new DataView(bytes.buffer).setFloat64(0, sentAt);
  return toBase64(bytes);
}

export function sentAtOfOpaqueBody(bytes: Uint8Array): number {
  return bytes.length >= 8 ? new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0) : 0;
}
