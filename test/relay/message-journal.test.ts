// RELAY_JOURNAL=1: the relay's own record of every message (stored, delivered, removed), served at
// GET /journal, read by the harness's checkers (harness/record/relay-journal.ts).
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readRelayConfig } from "../../fixtures/relay/relay-config.ts";
import { parseRelayJournal, relaySays } from "../../harness/record/relay-journal.ts";
import { cleanUpRelays, startRelayProcess } from "../support/relay-process.ts";
import { clientPool, createIdentity, randomBody } from "../support/relay-test-client.ts";

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

describe("relay message journal", () => {
  const { connect, closeAll } = clientPool();
  afterEach(closeAll);
  afterAll(cleanUpRelays);

  it("records each message stored, delivered and removed, in that order, with ids and no body", async () => {
    const relay = await startRelayProcess({ env: { RELAY_JOURNAL: "1" } });
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    const body = randomBody(200);
    await alice.sendAndWait(bobId.userId, body, "j-1");
    await alice.sendAndWait(bobId.userId, randomBody(), "j-2");
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    await bob.waitForDeliveries(2);
    bob.ack(["j-1"], alice.userId);
    await bob.ping(); // the ack was handled before the pong

    const { status, text } = await get(`${relay.httpUrls[0]}/journal`);
    expect(status).toBe(200);
    const lines = text.trim().split("\n").map((l) => JSON.parse(l) as { e: string; from: string; id: string; to: string; t: number });
    expect(lines.map((l) => [l.e, l.id])).toEqual([["stored", "j-1"], ["stored", "j-2"], ["delivered", "j-1"], ["delivered", "j-2"], ["removed", "j-1"]]);
    expect(lines.every((l) => l.from === alice.userId && l.to === bobId.userId && Number.isFinite(l.t))).toBe(true);
    expect(text).not.toContain(body);

    const record = parseRelayJournal(text);
    expect(relaySays(record, alice.userId, "j-1")).toBe("stored, delivered once");
    expect(relaySays(record, alice.userId, "j-3")).toBe("never stored");
    expect(relaySays(record, bobId.userId, "j-1"), "an id is the sender's: another sender's j-1 is another message").toBe("never stored");
  });

  it("ends with a 'full' line at RELAY_JOURNAL_MAX_BYTES; without RELAY_JOURNAL there is no /journal", async () => {
    const relay = await startRelayProcess({ env: { RELAY_JOURNAL: "1", RELAY_JOURNAL_MAX_BYTES: "1024" } });
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    for (let i = 0; i < 20; i++) await alice.sendAndWait(bobId.userId, randomBody(), `f-${i}`);
    const { text } = await get(`${relay.httpUrls[0]}/journal`);
    const lines = text.trim().split("\n");
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ e: "full", maxBytes: 1024 });
    expect(lines.length).toBeLessThan(20);
    expect(relaySays(parseRelayJournal(text), alice.userId, "f-19")).toMatch(/size limit/);

    const plain = await startRelayProcess();
    const off = await get(`${plain.httpUrls[0]}/journal`);
    expect(off.status).toBe(404);
    expect(JSON.parse(off.text).routes).not.toContain("GET /journal");
  });

  it("refuses a RELAY_JOURNAL other than 1 or 0, naming the allowed values", () => {
    expect(readRelayConfig({ RELAY_JOURNAL: "1" }).journalMaxBytes).toBe(256 * 1024 * 1024);
    expect(readRelayConfig({}).journalMaxBytes).toBe(0);
    expect(() => readRelayConfig({ RELAY_JOURNAL: "yes" })).toThrow(/RELAY_JOURNAL="yes" is not valid; allowed: 1 \(write the message journal\) or 0/);
  });
});
