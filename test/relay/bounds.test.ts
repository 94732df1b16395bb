// Issue 8, items 2-4 and 8: what the relay stores, buffers and answers is bounded, and every
// refusal is a documented error (never a message dropped after `sent`).
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { cleanUpRelays, startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { clientPool, createIdentity, randomBody } from "../support/relay-test-client.ts";

const metric = async (relay: RelayProcess, pattern: RegExp): Promise<number> =>
  Number(pattern.exec(await (await fetch(`${relay.httpUrls[0]}/metrics`)).text())?.[1] ?? 0);

describe("relay bounds", () => {
  const { connect, closeAll } = clientPool();
  afterEach(closeAll);
  afterAll(cleanUpRelays);

  it("refuses a send beyond the per-recipient queue bound with queue_full, and accepts again after acks", async () => {
    const relay = await startRelayProcess({ env: { RELAY_MAX_QUEUE_PER_RECIPIENT: "5" } });
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await alice.sendAndWait(bobId.userId, randomBody(), `q-${i}`));
    expect(answers.slice(0, 5).map((a) => a.type)).toEqual(["sent", "sent", "sent", "sent", "sent"]);
    expect(answers[5]).toMatchObject({ type: "error", code: "queue_full", id: "q-5", limit: 5 });
    expect((answers[5] as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
    // a resend of a stored message is still answered `sent` (idempotent), not refused
    expect(await alice.sendAndWait(bobId.userId, randomBody(), "q-0")).toMatchObject({ type: "sent", id: "q-0" });
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    const delivered = await bob.waitForDeliveries(5);
    expect(delivered.map((d) => d.id)).toEqual(["q-0", "q-1", "q-2", "q-3", "q-4"]);
    bob.ack(delivered.map((d) => d.id));
    await bob.ping();
    expect(await alice.sendAndWait(bobId.userId, randomBody(), "q-after")).toMatchObject({ type: "sent" });
  });

  it("refuses beyond the total and per-recipient byte bounds (store_full, queue_full) and delivers every `sent` message", async () => {
    const relay = await startRelayProcess({ env: { RELAY_MAX_STORED_BYTES: "40000", RELAY_MAX_QUEUE_BYTES_PER_RECIPIENT: "20000" } });
    const alice = await connect(relay.wsUrls[0]);
    const recipients = await Promise.all([createIdentity(), createIdentity(), createIdentity()]);
    const sent = new Map<string, string[]>();
    const codes = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const to = recipients[i < 8 ? 0 : 1 + (i % 2)]; // one recipient past its own bound first
      const answer = await alice.sendAndWait(to.userId, randomBody(3000), `b-${i}`);
      if (answer.type === "sent") sent.set(to.userId, [...(sent.get(to.userId) ?? []), `b-${i}`]);
      else {
        expect(answer.id).toBe(`b-${i}`);
        codes.add(answer.code);
      }
    }
    expect(codes).toEqual(new Set(["queue_full", "store_full"]));
    for (const r of recipients) {
      const client = await connect(relay.wsUrls[0], { identity: r });
      const expected = sent.get(r.userId) ?? [];
      const delivered = await client.waitForDeliveries(expected.length);
      expect(delivered.map((d) => d.id)).toEqual(expected);
    }
  });

  it("expires messages not acknowledged within RELAY_MESSAGE_TTL_SECONDS", async () => {
    const relay = await startRelayProcess({ env: { RELAY_MESSAGE_TTL_SECONDS: "1" } });
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    expect((await alice.sendAndWait(bobId.userId, randomBody(), "old")).type).toBe("sent");
    await new Promise((r) => setTimeout(r, 1600));
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    expect(bob.frames.find((f) => f.type === "auth_ok")).toMatchObject({ queued: 0 });
    expect(await metric(relay, /^relay_messages_expired_total (\S+)$/m)).toBe(1);
    expect(relay.stdout()).toContain('"messages_expired"');
  });

  it("closes a slow reader with 4413 once its send buffer passes RELAY_MAX_BUFFERED_BYTES, keeping its messages queued", async () => {
    const relay = await startRelayProcess({ env: { RELAY_MAX_BUFFERED_BYTES: "1048576", RELAY_RATE_PER_SEC: "100000", RELAY_RATE_BURST: "100000" } });
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    bob.ws.pause(); // stops reading: the relay's buffer for this socket grows
    const ids: string[] = [];
    for (let i = 0; i < 800; i++) ids.push(alice.send(bobId.userId, randomBody(30_000), `slow-${i}`));
    await alice.waitFor((f) => (f.type === "sent" || f.type === "error") && f.id === "slow-799", 30_000);
    expect(alice.errors()).toHaveLength(0);
    // the bound shows as the close; RSS is no measure here: the 24 MB of queued messages live in memory by design
    expect(await metric(relay, /^relay_frames_rejected_total\{code="slow_reader"\} (\S+)$/m)).toBe(1);
    bob.ws.resume();
    expect((await bob.closed).code).toBeOneOf([4413, 1006]);
    const again = await connect(relay.wsUrls[0], { identity: bobId });
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (seen.size < ids.length && Date.now() < deadline) {
      const batch = again.delivered.splice(0);
      for (const d of batch) seen.add(d.id);
      if (batch.length > 0) again.ack(batch.map((d) => ({ from: d.from, id: d.id })));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen.size).toBe(ids.length);
  }, 60_000);

  it("lets one identity hold at most RELAY_MAX_SOCKETS_PER_IDENTITY sockets, closing the oldest with 4409", async () => {
    const relay = await startRelayProcess({ env: { RELAY_MAX_SOCKETS_PER_IDENTITY: "2" } });
    const id = await createIdentity();
    const first = await connect(relay.wsUrls[0], { identity: id });
    const second = await connect(relay.wsUrls[0], { identity: id });
    const third = await connect(relay.wsUrls[0], { identity: id });
    expect((await first.closed).code).toBe(4409);
    await second.ping();
    await third.ping();
  });

  it("rate-limits fetch_prekeys and publish_prekeys per identity with rate_limited and the reqId", async () => {
    const relay = await startRelayProcess({ env: { RELAY_FETCH_RATE_PER_SEC: "1", RELAY_FETCH_BURST: "5", RELAY_PUBLISH_RATE_PER_SEC: "1", RELAY_PUBLISH_BURST: "2" } });
    const owner = await connect(relay.wsUrls[0]);
    expect((await owner.publishPrekeys({ oneTime: 50 })).type).toBe("prekeys_ok");
    expect((await owner.publishPrekeys({ oneTime: 1, firstId: 100 })).type).toBe("prekeys_ok");
    const third = await owner.publishPrekeys({ oneTime: 1, firstId: 200 });
    expect(third).toMatchObject({ type: "error", code: "rate_limited" });
    expect((third as { reqId?: string }).reqId).toMatch(/^pub-/);
    const taker = await connect(relay.wsUrls[0]);
    const answers = await Promise.all(Array.from({ length: 30 }, () => taker.fetchPrekeys(owner.userId)));
    const bundles = answers.filter((a) => a.type === "prekey_bundle");
    expect(bundles.length).toBeLessThanOrEqual(6);
    const refused = answers.filter((a) => a.type === "error");
    expect(refused.length).toBeGreaterThanOrEqual(24);
    for (const r of refused) expect(r).toMatchObject({ code: "rate_limited", reqId: expect.stringMatching(/^fetch-/), retryAfterMs: expect.any(Number) });
  });

  it("stops reading a socket whose frames are not yet processed (memory stays bounded under a publish flood)", async () => {
    const relay = await startRelayProcess({ env: { RELAY_PUBLISH_RATE_PER_SEC: "100000", RELAY_PUBLISH_BURST: "100000" } });
    const client = await connect(relay.wsUrls[0]);
    const template = await client.publishPrekeys({ oneTime: 5 });
    expect(template.type).toBe("prekeys_ok");
    // the same valid publish frame, 4,000 times without waiting: each is a signature check and a synced write
    const sample = await buildPublishFrame(client);
    const rssBefore = relay.rssBytes();
    let maxClientBuffered = 0;
    for (let i = 0; i < 4000; i++) {
      client.sendFrame(sample.replace('"reqId":"flood"', `"reqId":"flood-${i}"`));
      maxClientBuffered = Math.max(maxClientBuffered, client.ws.bufferedAmount);
    }
    await client.waitFor((f) => f.type === "prekeys_ok" && f.reqId === "flood-3999", 60_000);
    expect(relay.rssBytes() - rssBefore).toBeLessThan(100 * 1024 * 1024);
    expect(client.errors()).toHaveLength(0);
    expect(await metric(relay, /^relay_socket_reads_paused_total (\S+)$/m)).toBeGreaterThan(0);
    console.log(`publish flood: rss growth ${((relay.rssBytes() - rssBefore) / 1e6).toFixed(1)} MB, client buffered up to ${maxClientBuffered} bytes`);
  }, 90_000);
});

/** A valid publish_prekeys frame of this client as text, reqId "flood". */
async function buildPublishFrame(client: Awaited<ReturnType<ReturnType<typeof clientPool>["connect"]>>): Promise<string> {
  let captured = "";
  const original = client.ws.send.bind(client.ws);
  (client.ws as unknown as { send: (d: string) => void }).send = (d: string) => {
    captured = d;
    original(d);
  };
  await client.publishPrekeys({ oneTime: 5 });
  (client.ws as unknown as { send: typeof original }).send = original;
  return captured.replace(/"reqId":"[^"]*"/, '"reqId":"flood"');
}
