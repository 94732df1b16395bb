import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { fromBase64, fromUtf8, toBase64, utf8 } from "../../harness/protocol/bytes.ts";
import { decodeEnvelope, encodeEnvelope } from "../../harness/protocol/envelope.ts";
import type { PrekeyBundle } from "../../harness/protocol/frames.ts";
import { createIdentity, exportIdentity, type Identity } from "../../harness/protocol/identity.ts";
import { createPrekeyRing, exportPrekeyRing, publishFields, type PrekeyRing } from "../../harness/protocol/prekeys.ts";
import { SessionManager } from "../../harness/protocol/session.ts";
import { requireTool } from "../support/require-tool.ts";

function bundleOf(identity: Identity, ring: PrekeyRing): PrekeyBundle {
  const f = publishFields(identity, ring);
  return { userId: identity.userId, signingKey: toBase64(identity.signingPublic), dhKey: f.dhKey, dhKeySig: f.dhKeySig, signedPrekey: f.signedPrekey, oneTimePrekey: f.oneTimePrekeys[0], oneTimeRemaining: f.oneTimePrekeys.length - 1 };
}

describe("the same protocol code in Node and in real k6", () => {
  it("decrypts in k6 what Node encrypted, and in Node what k6 encrypted", async () => {
    const k6 = await requireTool("k6");
    const alice = await createIdentity(), bob = await createIdentity();
    const aliceRing = await createPrekeyRing(alice, 2), bobRing = await createPrekeyRing(bob, 2);
    const bundles = { [alice.userId]: bundleOf(alice, aliceRing), [bob.userId]: bundleOf(bob, bobRing) };
    const aliceSessions = new SessionManager(alice, aliceRing, async (id) => bundles[id]);

    const body = await aliceSessions.encrypt(bob.userId, "node-1", utf8("hello from node"));
    const second = await aliceSessions.encrypt(bob.userId, "node-2", utf8("second"));
    const ct = fromBase64(decodeEnvelope(second)!.ct);
    ct[0] ^= 0x80;
    const tampered = encodeEnvelope({ ...decodeEnvelope(second)!, ct: toBase64(ct) });

    const dir = mkdtempSync(join(tmpdir(), "k6-interop-"));
    const inputFile = join(dir, "input.json"), consoleFile = join(dir, "console.log");
    writeFileSync(inputFile, JSON.stringify({
      aliceUserId: alice.userId,
      bob: { identity: await exportIdentity(bob), ring: await exportPrekeyRing(bobRing) },
      bundles,
      message: { id: "node-1", body },
      tampered: { id: "node-2", body: tampered },
    }));
    await promisify(execFile)(k6.path, ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, "-e", `INTEROP_INPUT=${inputFile}`, "test/k6/protocol-interop.k6.ts"], { timeout: 60_000 });

    const line = readFileSync(consoleFile, "utf8").split("\n").find((l) => l.includes("interop"));
    expect(line, `k6 printed no result line; console output:\n${readFileSync(consoleFile, "utf8")}`).toBeDefined();
    const result = JSON.parse(JSON.parse(line!).msg).interop;
    expect(result.received).toBe("hello from node");
    expect(result.replayRejected).toBe(true);
    expect(result.tamperRejected).toBe(true);
    expect(fromUtf8(await aliceSessions.decrypt(bob.userId, "k6-reply-1", result.reply))).toBe("k6 got: hello from node");
    expect(fromUtf8(await aliceSessions.decrypt(result.carolUserId, "k6-carol-1", result.fromCarol))).toBe("hello from k6");
    expect(aliceRing.oneTime.has(bundles[alice.userId].oneTimePrekey!.id)).toBe(false);
  });
});
