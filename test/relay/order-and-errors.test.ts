// Issue 8, items 6 and 7: on one connection messages arrive in store order, once, also while a
// backlog is being delivered or a login races sends being written; errors keep their id/reqId,
// and frames that decode but are refused count towards the close after 10 bad frames.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUpRelays, startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { clientPool, createIdentity, randomBody } from "../support/relay-test-client.ts";

describe("relay order, duplicates and error ids", () => {
  let relay: RelayProcess;
  const { connect, closeAll } = clientPool();

  beforeAll(async () => {
    relay = await startRelayProcess({ env: { RELAY_RATE_PER_SEC: "1000000", RELAY_RATE_BURST: "1000000" } });
  });
  afterEach(closeAll);
  afterAll(cleanUpRelays);

  it("delivers new messages after a 10,000-message backlog, in store order, each once", async () => {
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    const backlog = Array.from({ length: 10_000 }, (_, i) => `old-${i}`);
    for (const id of backlog) alice.send(bobId.userId, randomBody(200), id);
    await alice.waitFor((f) => f.type === "sent" && f.id === "old-9999", 60_000);
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    // new messages while the backlog is still going out
    const fresh = Array.from({ length: 500 }, (_, i) => `new-${i}`);
    for (const id of fresh) alice.send(bobId.userId, randomBody(200), id);
    const delivered = await bob.waitForDeliveries(backlog.length + fresh.length, 60_000);
    await bob.ping();
    expect(delivered.map((d) => d.id)).toEqual([...backlog, ...fresh]);
  }, 90_000);

  it("delivers each message once when a login races sends still being written (5 rounds)", async () => {
    const alice = await connect(relay.wsUrls[0]);
    let duplicates = 0;
    let missing = 0;
    for (let round = 0; round < 5; round++) {
      const bobId = await createIdentity();
      // more than one backlog slice (500) before the login, so the backlog yields while writes land
      const ids = Array.from({ length: 3000 }, (_, i) => `race-${round}-${i}`);
      const bob = await connect(relay.wsUrls[0], { identity: bobId, authenticate: false });
      for (const id of ids.slice(0, 2000)) alice.send(bobId.userId, randomBody(), id);
      const login = bob.authenticate(); // while most of them are still being written
      for (const id of ids.slice(2000)) alice.send(bobId.userId, randomBody(), id);
      await login;
      await alice.waitFor((f) => f.type === "sent" && f.id === ids[ids.length - 1], 30_000);
      await bob.waitForDeliveries(ids.length, 10_000).catch(() => undefined);
      await bob.ping();
      const got = bob.delivered.map((d) => d.id);
      duplicates += got.length - new Set(got).size;
      missing += ids.filter((id) => !got.includes(id)).length;
      expect(got).toEqual(ids); // store order, once
    }
    expect({ duplicates, missing }).toEqual({ duplicates: 0, missing: 0 });
  }, 90_000);

  it("answers a send, publish or fetch with one mistyped field with an error naming its id / reqId", async () => {
    const client = await connect(relay.wsUrls[0]);
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ type: "send", id: "typo-1", to: client.userId, body: 5 }, { id: "typo-1" }],
      [{ type: "send", id: "typo-2", to: 7, body: "AAAA" }, { id: "typo-2" }],
      [{ type: "send", id: "typo-3", to: client.userId, body: "AAAA", fwd: "x" }, { id: "typo-3" }],
      [{ type: "fetch_prekeys", reqId: "typo-f", userId: 5 }, { reqId: "typo-f" }],
      [{ type: "publish_prekeys", reqId: "typo-p", dhKey: 1, dhKeySig: "AA", signedPrekey: {}, oneTimePrekeys: [] }, { reqId: "typo-p" }],
      [{ type: "sned", id: "typo-4" }, { id: "typo-4" }],
    ];
    for (const [frame, ref] of cases) {
      const since = client.frames.length;
      client.sendFrame(frame);
      const error = await client.waitFor((f) => f.type === "error", 5000, since);
      expect(error).toMatchObject(ref);
    }
  });

  it("closes with 4400 after 10 frames in a row that decode but are refused", async () => {
    const client = await connect(relay.wsUrls[0]);
    for (let i = 0; i < 10; i++) client.sendFrame({ type: "send", id: `refused-${i}`, to: "not a user id", body: "AAAA" });
    expect((await client.closed).code).toBe(4400);
    expect(client.errors("bad_frame").map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => `refused-${i}`));
  });
});
