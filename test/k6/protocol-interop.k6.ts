// Runs the project's E2E protocol inside real k6: decrypts what Node encrypted, and encrypts for Node.
// Input: INTEROP_INPUT (JSON written by test/protocol/k6-interop.test.ts). Output: one JSON log line.
import { fromUtf8, utf8 } from "../../harness/protocol/bytes.ts";
import { decodeEnvelope, encodeEnvelope } from "../../harness/protocol/envelope.ts";
import type { PrekeyBundle } from "../../harness/protocol/frames.ts";
import { createIdentity, importIdentity } from "../../harness/protocol/identity.ts";
import { createPrekeyRing, importPrekeyRing } from "../../harness/protocol/prekeys.ts";
import { SessionManager } from "../../harness/protocol/session.ts";

const input = JSON.parse(open(__ENV.INTEROP_INPUT));

export const options = { vus: 1, iterations: 1 };

export default async function (): Promise<void> {
  const bundles: Record<string, PrekeyBundle> = input.bundles;
  const fetchBundle = async (userId: string) => bundles[userId];
  const bob = new SessionManager(await importIdentity(input.bob.identity), await importPrekeyRing(input.bob.ring), fetchBundle);

  const received = fromUtf8(await bob.decrypt(input.aliceUserId, input.message.id, input.message.body));
  const envelope = decodeEnvelope(input.message.body)!;
  let replayRejected = false;
  try {
    await bob.decrypt(input.aliceUserId, input.message.id, input.message.body);
  } catch {
    replayRejected = true;
  }
  let tamperRejected = false;
  try {
    await bob.decrypt(input.aliceUserId, input.tampered.id, encodeEnvelope({ ...decodeEnvelope(input.tampered.body)!, iv: envelope.iv }));
  } catch {
    tamperRejected = true;
  }
  const reply = await bob.encrypt(input.aliceUserId, "k6-reply-1", utf8(`k6 got: ${received}`));

  const carolIdentity = await createIdentity();
  const carol = new SessionManager(carolIdentity, await createPrekeyRing(carolIdentity, 0), fetchBundle);
  const fromCarol = await carol.encrypt(input.aliceUserId, "k6-carol-1", utf8("hello from k6"));

  console.log(JSON.stringify({ interop: { received, replayRejected, tamperRejected, reply, carolUserId: carolIdentity.userId, fromCarol } }));
}
