// Issue 8, item 1: an acknowledgement names (sender, id), so a recipient's ack of A's message X
// never removes C's message X, and nobody can suppress another sender's messages by reusing ids.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUpRelays, startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { clientPool, createIdentity, randomBody, type RelayTestClient } from "../support/relay-test-client.ts";

describe("relay acknowledgements name (sender, id)", () => {
  let relay: RelayProcess;
  const { connect, closeAll } = clientPool();

  beforeAll(async () => {
    relay = await startRelayProcess();
  });
  afterEach(closeAll);
  afterAll(cleanUpRelays);

  /** Acks every delivery as soon as it arrives, by (from, id). */
  function ackOnArrival(client: RelayTestClient): void {
    client.ws.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString("utf8")) as { type: string; id?: string; from?: string };
      if (frame.type === "deliver") client.sendFrame({ type: "ack", acks: [{ from: frame.from!, id: frame.id! }] });
    });
  }

  it("loses no acknowledged message when two senders race the same id to one recipient (20 trials)", async () => {
    const a = await connect(relay.wsUrls[0]);
    const c = await connect(relay.wsUrls[0]);
    let lost = 0;
    for (let trial = 0; trial < 20; trial++) {
      const bobId = await createIdentity();
      const bob = await connect(relay.wsUrls[0], { identity: bobId });
      ackOnArrival(bob);
      const id = `same-${trial}`;
      // A first, C right behind it: B acks A's X while C's X is being stored
      const answers = await Promise.all([a.sendAndWait(bob.userId, randomBody(), id), c.sendAndWait(bob.userId, randomBody(), id)]);
      const acknowledged = [a, c].filter((s, i) => answers[i].type === "sent").map((s) => s.userId);
      expect(acknowledged).toHaveLength(2);
      await bob.waitForDeliveries(2, 5000).catch(() => undefined);
      await bob.ping();
      await bob.close();
      // what B never saw would have to come on the next login
      const again = await connect(relay.wsUrls[0], { identity: bobId });
      await again.ping();
      await new Promise((r) => setTimeout(r, 20));
      const seen = new Set([...bob.delivered, ...again.delivered].map((d) => `${d.from}/${d.id}`));
      lost += acknowledged.filter((from) => !seen.has(`${from}/${id}`)).length;
      await again.close();
    }
    expect(lost).toBe(0);
  });

  it("keeps C's queued message X when B acknowledges A's message X", async () => {
    const a = await connect(relay.wsUrls[0]);
    const c = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    expect((await a.sendAndWait(bobId.userId, randomBody(), "dup-x")).type).toBe("sent");
    expect((await c.sendAndWait(bobId.userId, randomBody(), "dup-x")).type).toBe("sent");
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    await bob.waitForDeliveries(2);
    bob.ack([{ from: a.userId, id: "dup-x" }]);
    await bob.ping();
    await bob.close();
    const again = await connect(relay.wsUrls[0], { identity: bobId });
    const [redelivered] = await again.waitForDeliveries(1);
    expect(redelivered).toMatchObject({ id: "dup-x", from: c.userId });
    await again.ping();
    expect(again.delivered).toHaveLength(1);
  });

  it("refuses the old id-only ack form as bad_frame without removing anything", async () => {
    const a = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    await a.sendAndWait(bobId.userId, randomBody(), "old-form");
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    await bob.waitForDeliveries(1);
    bob.sendFrame({ type: "ack", ids: ["old-form"] });
    const error = await bob.waitFor((f) => f.type === "error");
    expect(error).toMatchObject({ code: "bad_frame" });
    await bob.close();
    const again = await connect(relay.wsUrls[0], { identity: bobId });
    expect((await again.waitForDeliveries(1))[0]).toMatchObject({ id: "old-form", from: a.userId });
  });
});
