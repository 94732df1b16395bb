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
import { SessionManager, type E2eMode } from "../../harness/protocol/session.ts";
import { requireTool } from "../support/require-tool.ts";

function bundleOf(identity: Identity, ring: PrekeyRing, oneTime = 0): PrekeyBundle {
  const f = publishFields(identity, ring);
  return { userId: identity.userId, signingKey: toBase64(identity.signingPublic), dhKey: f.dhKey, dhKeySig: f.dhKeySig, signedPrekey: f.signedPrekey, oneTimePrekey: f.oneTimePrekeys[oneTime], oneTimeRemaining: f.oneTimePrekeys.length - 1 - oneTime };
}

const MODES: E2eMode[] = ["full", "session"];

describe("the same protocol code in Node and in real k6", () => {
  it("decrypts in k6 what Node encrypted, and in Node what k6 encrypted, in every E2E crypto mode", async () => {
    const k6 = await requireTool("k6");
    const alice = await createIdentity();
    const aliceRing = await createPrekeyRing(alice, 4);
    const bundles: Record<string, PrekeyBundle> = { [alice.userId]: bundleOf(alice, aliceRing) };
    const alices: Record<string, SessionManager> = {};
    const modes: Record<string, object> = {};
    const bobIds: Record<string, string> = {};
    for (const mode of MODES) {
      const bob = await createIdentity();
      const bobRing = await createPrekeyRing(bob, 2);
      bundles[bob.userId] = bundleOf(bob, bobRing);
      bobIds[mode] = bob.userId;
      alices[mode] = new SessionManager(alice, aliceRing, async (id) => bundles[id], mode);
      const body = await alices[mode].encrypt(bob.userId, "node-1", utf8(`hello from node (${mode})`));
      const second = await alices[mode].encrypt(bob.userId, "node-2", utf8("second"));
      expect(decodeEnvelope(body)!.km).toBe(mode === "session" ? "session" : undefined);
      const ct = fromBase64(decodeEnvelope(second)!.ct);
      ct[0] ^= 0x80;
      const tampered = encodeEnvelope({ ...decodeEnvelope(second)!, ct: toBase64(ct) });
      modes[mode] = { aliceBundle: bundleOf(alice, aliceRing, MODES.indexOf(mode)), bob: { identity: await exportIdentity(bob), ring: await exportPrekeyRing(bobRing) }, message: { id: "node-1", body }, tampered: { id: "node-2", body: tampered } };
    }

    const dir = mkdtempSync(join(tmpdir(), "k6-interop-"));
    const inputFile = join(dir, "input.json"), consoleFile = join(dir, "console.log");
    // base64 as each runtime's native decoder reads it, valid and not: both must agree
    const base64Texts = ["YWJj", "YQ==", "YQ", "_-8", "+/8=", "", toBase64(new Uint8Array(300).map((_, i) => i)), "ab$d", "abcde", "ab\ncd", "ab+d-f", "a===", "abcd=", "ab="];
    writeFileSync(inputFile, JSON.stringify({ aliceUserId: alice.userId, bundles, modes, base64Texts }));
    await promisify(execFile)(k6.path, ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, "-e", `INTEROP_INPUT=${inputFile}`, "test/k6/protocol-interop.k6.ts"], { timeout: 60_000 });

    const line = readFileSync(consoleFile, "utf8").split("\n").find((l) => l.includes("interop"));
    expect(line, `k6 printed no result line; console output:\n${readFileSync(consoleFile, "utf8")}`).toBeDefined();
    const printed = JSON.parse(JSON.parse(line!).msg);
    const results = printed.interop;
    const inNode = base64Texts.map((text) => {
      try {
        return Array.from(fromBase64(text));
      } catch {
        return "invalid";
      }
    });
    expect(printed.base64).toEqual(inNode);
    expect(inNode.filter((r) => r === "invalid")).toHaveLength(7);
    for (const mode of MODES) {
      const result = results[mode];
      expect(result.received).toBe(`hello from node (${mode})`);
      // the ratchet refuses a replayed counter; mode `session` leaves replays to the client's dedupe (documented)
      expect(result.replayRejected).toBe(mode === "full");
      expect(result.tamperRejected).toBe(true);
      expect(decodeEnvelope(result.reply)!.km).toBe(mode === "session" ? "session" : undefined);
      expect(fromUtf8(await alices[mode].decrypt(bobIds[mode], "k6-reply-1", result.reply))).toBe(`k6 got: hello from node (${mode})`);
      expect(fromUtf8(await alices[mode].decrypt(result.carolUserId, "k6-carol-1", result.fromCarol))).toBe("hello from k6");
    }
    expect(aliceRing.oneTime.size).toBe(2);
  });
});
