// The k6 client's XMPP driver against both real servers: login, offline storage and delivery with
// <delay/>, the acknowledgement mapping (the ids the driver reports acknowledged are exactly those
// the server's <a h/> covered, counted from the frames on the wire), and Node and k6 decrypting
// each other's envelopes carried inside <message>.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, type TestContext } from "vitest";
import { fromUtf8, toBase64, utf8 } from "../../harness/protocol/bytes.ts";
import type { PrekeyBundle } from "../../harness/protocol/frames.ts";
import { createIdentity, exportIdentity, type Identity } from "../../harness/protocol/identity.ts";
import { createPrekeyRing, exportPrekeyRing, publishFields, type PrekeyRing } from "../../harness/protocol/prekeys.ts";
import { SessionManager } from "../../harness/protocol/session.ts";
import { jidOf, localpartOf, userIdOfJid } from "../../harness/protocol/xmpp/jid.ts";
import { envelopeMessage, isCountedStanza, NS } from "../../harness/protocol/xmpp/stanzas.ts";
import { childOf, parseXmlElement } from "../../harness/protocol/xmpp/xml.ts";
import { registerAccounts } from "../../harness/targets/xmpp/register-accounts.ts";
import { XMPP_SERVERS, type XmppServerKind } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { loginPlain } from "../../harness/targets/xmpp/xmpp-ws-client.ts";
import { k6ConsoleResult } from "../support/k6-console-result.ts";
import { requireTool } from "../support/require-tool.ts";
import { XmppFrameProxy, type RecordedFrame } from "../support/xmpp-frame-proxy.ts";
import { startTestXmppServer } from "../support/xmpp-server.ts";

const DOMAIN = "localhost";
const EXTRA = 10;
const SENT_IDS = ["reply", ...Array.from({ length: EXTRA }, (_, i) => `x${i + 1}`)];

function bundleOf(identity: Identity, ring: PrekeyRing): PrekeyBundle {
  const f = publishFields(identity, ring);
  return { userId: identity.userId, signingKey: toBase64(identity.signingPublic), dhKey: f.dhKey, dhKeySig: f.dhKeySig, signedPrekey: f.signedPrekey, oneTimePrekey: f.oneTimePrekeys[0], oneTimeRemaining: f.oneTimePrekeys.length - 1 };
}

/** Per connection, the message ids the server's <a h/> covered: the client's stanzas counted from <enabled/> (or <resumed h/>). */
function idsCoveredByServerAcks(frames: RecordedFrame[]): string[] {
  const covered: string[] = [];
  const byConnection = new Map<number, RecordedFrame[]>();
  for (const f of frames) byConnection.set(f.connection, [...(byConnection.get(f.connection) ?? []), f]);
  for (const list of byConnection.values()) {
    let sent: (string | null)[] | null = null;
    let acked = 0;
    for (const f of list) {
      const el = parseXmlElement(f.text);
      if (!el) continue;
      if (f.from === "server" && el.localName === "enabled") sent = [];
      else if (f.from === "client" && sent && isCountedStanza(el.localName)) sent.push(el.localName === "message" ? el.attrs.id ?? null : null);
      else if (f.from === "server" && sent && el.localName === "a") {
        const h = Number(el.attrs.h);
        for (; acked < h && acked < sent.length; acked++) if (sent[acked]) covered.push(sent[acked]!);
      }
    }
  }
  return covered;
}

interface DriverResult { accepted: string[]; received: string[]; plaintext: string; events: string[]; refused: string[] }

/**
 * Alice (Node) leaves Bob an encrypted message; Bob (k6, through the frame proxy) reads it, answers
 * it and sends EXTRA more; Alice comes back and reads the answer. Returns what k6 printed, the
 * frames, and the ids Alice got.
 */
async function offlineRoundTrip(kind: XmppServerKind, ctx: TestContext, dropFromServer?: (text: string) => boolean) {
  const k6 = await requireTool("k6");
  const server = await startTestXmppServer(kind, ctx);
  const proxy = await XmppFrameProxy.start(server.url, dropFromServer);
  try {
      const alice = await createIdentity();
      const aliceRing = await createPrekeyRing(alice, 2);
      const bob = await createIdentity();
      const bobRing = await createPrekeyRing(bob, 2);
      const accounts = [alice, bob].map((who) => ({ localpart: localpartOf(who.userId), password: `pw-${localpartOf(who.userId)}` }));
      await registerAccounts({ url: server.url, domain: DOMAIN, accounts });
      const bundles: Record<string, PrekeyBundle> = { [bob.userId]: bundleOf(bob, bobRing) };
      const aliceSessions = new SessionManager(alice, aliceRing, async (id) => bundles[id], "full");

      // Alice (Node) leaves Bob a message while he is offline; her ping's answer says it was routed
      const sender = await loginPlain({ url: server.url, domain: DOMAIN, ...accounts[0] });
      sender.client.send(envelopeMessage("n1", jidOf(bob.userId, DOMAIN), await aliceSessions.encrypt(bob.userId, "n1", utf8("hello from node"))));
      sender.client.send(`<iq xmlns="${NS.client}" type="get" id="ping1"><ping xmlns="urn:xmpp:ping"/></iq>`);
      for (let el = await sender.client.next(5000, "ping answer"); el.attrs.id !== "ping1"; el = await sender.client.next(5000, "ping answer"));
      sender.client.close();

      const dir = mkdtempSync(join(tmpdir(), "xmpp-driver-"));
      const inputFile = join(dir, "input.json"), consoleFile = join(dir, "console.log");
      writeFileSync(inputFile, JSON.stringify({
        url: proxy.url, domain: DOMAIN, mode: "full", extra: EXTRA, runMs: dropFromServer ? 4000 : 15_000,
        alice: { userId: alice.userId, bundle: bundleOf(alice, aliceRing) },
        bob: { userId: bob.userId, localpart: accounts[1].localpart, password: accounts[1].password, identity: await exportIdentity(bob), ring: await exportPrekeyRing(bobRing) },
      }));
      await promisify(execFile)(k6.path, ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, "-e", `XMPP_INPUT=${inputFile}`, "test/k6/xmpp-driver.k6.ts"], { timeout: 60_000 });
      const result = k6ConsoleResult<DriverResult>(consoleFile, "xmppDriver");

      // Alice comes back: Bob's answer and the rest wait for her offline, and she reads the answer
      const receiver = await loginPlain({ url: server.url, domain: DOMAIN, ...accounts[0], presence: true });
      const got = new Map<string, string>();
      while (got.size < SENT_IDS.length) {
        const el = await receiver.client.next(10_000, `Bob's ${SENT_IDS.length} messages (got ${got.size})`);
        const envelope = el.localName === "message" ? childOf(el, "e2e", NS.envelope) : undefined;
        if (envelope && userIdOfJid(el.attrs.from ?? "") === bob.userId) got.set(el.attrs.id!, envelope.text);
      }
      receiver.client.close();
      const answer = fromUtf8(await aliceSessions.decrypt(bob.userId, "reply", got.get("reply")!));
      return { result, frames: proxy.frames, aliceGot: [...got.keys()].sort(), answer };
  } finally {
    await proxy.stop();
    await server.stop();
  }
}

describe.each(XMPP_SERVERS)("the k6 XMPP driver against %s", (kind) => {
  it("gets an offline message with <delay/>, reports acknowledged exactly what the server's <a h/> covered, and Node and k6 read each other's envelopes", async (ctx) => {
    const { result, frames, aliceGot, answer } = await offlineRoundTrip(kind, ctx);
    expect(result.events[0], result.events.join(" | ")).toBe("ready");
    expect(result.received).toEqual(["n1"]);
    expect(result.plaintext).toBe("hello from node");
    const delivered = frames.find((f) => f.from === "server" && parseXmlElement(f.text)?.attrs.id === "n1");
    expect(childOf(parseXmlElement(delivered!.text)!, "delay", "urn:xmpp:delay"), delivered!.text).toBeDefined();
    expect(childOf(parseXmlElement(delivered!.text)!, "body"), "the server added no plaintext body").toBeUndefined();
    expect(result.refused).toEqual([]);
    expect(result.accepted).toEqual(SENT_IDS);
    expect(result.accepted).toEqual(idsCoveredByServerAcks(frames));
    expect(aliceGot).toEqual([...SENT_IDS].sort());
    expect(answer).toBe("k6 got: hello from node");
  }, 120_000);

  it("reports nothing acknowledged when the server never sends <a/>, though every message arrives (the never-acknowledged checker's case)", async (ctx) => {
    const { result, aliceGot } = await offlineRoundTrip(kind, ctx, (text) => /^<a[\s/>]/.test(text));
    expect(result.plaintext).toBe("hello from node");
    expect(result.accepted).toEqual([]);
    expect(aliceGot).toEqual([...SENT_IDS].sort());
  }, 120_000);
});
