// Runs the project's E2E protocol inside real k6, in both E2E crypto modes: decrypts what Node
// encrypted, and encrypts for Node. Input: INTEROP_INPUT (JSON written by
// test/protocol/k6-interop.test.ts). Output: one JSON log line.
import "../../scenarios/lib/k6-primitives.ts";
import { fromBase64, fromUtf8, utf8 } from "../../harness/protocol/bytes.ts";
import { decodeEnvelope, encodeEnvelope } from "../../harness/protocol/envelope.ts";
import type { PrekeyBundle } from "../../harness/protocol/frames.ts";
import { createIdentity, importIdentity } from "../../harness/protocol/identity.ts";
import { createPrekeyRing, importPrekeyRing } from "../../harness/protocol/prekeys.ts";
import { SessionManager, type E2eMode } from "../../harness/protocol/session.ts";

const input = JSON.parse(open(__ENV.INTEROP_INPUT));

export const options = { vus: 1, iterations: 1 };

async function rejects(task: () => Promise<unknown>): Promise<boolean> {
  try {
    await task();
    return false;
  } catch {
    return true;
  }
}

export default async function (): Promise<void> {
  const results: Record<string, object> = {};
  for (const mode of ["full", "session"] as E2eMode[]) {
    const io = input.modes[mode];
    // each mode's peers use their own one-time prekey of Alice's
    const bundles: Record<string, PrekeyBundle> = { ...input.bundles, [input.aliceUserId]: io.aliceBundle };
    const fetchBundle = async (userId: string) => bundles[userId];
    const bob = new SessionManager(await importIdentity(io.bob.identity), await importPrekeyRing(io.bob.ring), fetchBundle, mode);
    const received = fromUtf8(await bob.decrypt(input.aliceUserId, io.message.id, io.message.body));
    const envelope = decodeEnvelope(io.message.body)!;
    const replayRejected = await rejects(() => bob.decrypt(input.aliceUserId, io.message.id, io.message.body));
    const tamperRejected = await rejects(() => bob.decrypt(input.aliceUserId, io.tampered.id, encodeEnvelope({ ...decodeEnvelope(io.tampered.body)!, iv: envelope.iv })));
    const reply = await bob.encrypt(input.aliceUserId, "k6-reply-1", utf8(`k6 got: ${received}`));

    const carolIdentity = await createIdentity();
    const carol = new SessionManager(carolIdentity, await createPrekeyRing(carolIdentity, 0), fetchBundle, mode);
    const fromCarol = await carol.encrypt(input.aliceUserId, "k6-carol-1", utf8("hello from k6"));
    results[mode] = { received, replayRejected, tamperRejected, reply, carolUserId: carolIdentity.userId, fromCarol };
  }
  const base64 = (input.base64Texts as string[]).map((text) => {
    try {
      return Array.from(fromBase64(text));
    } catch {
      return "invalid";
    }
  });
  console.log(JSON.stringify({ interop: results, base64 }));
}
