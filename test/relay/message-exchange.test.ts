import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUpRelays, startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { clientPool, createIdentity, randomBody } from "../support/relay-test-client.ts";

describe("relay message exchange", () => {
  let relay: RelayProcess;
  const { connect, closeAll } = clientPool();

  beforeAll(async () => {
    relay = await startRelayProcess({ listeners: 2 });
  });
  afterEach(closeAll);
  afterAll(cleanUpRelays);

  it("prints the bound ports of every listener on start", () => {
    expect(relay.started.listeners).toHaveLength(2);
    for (const url of relay.started.listeners) expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.started.listeners[0]).not.toMatch(/:0$/);
    expect(relay.started.queuedLoaded).toBe(0);
  });

  it("relays a message between two online clients, and the ack is answered only by `sent`", async () => {
    const alice = await connect(relay.wsUrls[0]);
    const bob = await connect(relay.wsUrls[1]); // another listener, same store
    const body = randomBody(100);
    const sent = await alice.sendAndWait(bob.userId, body, "hello-1");
    expect(sent).toMatchObject({ type: "sent", id: "hello-1", to: bob.userId });
    const [delivered] = await bob.waitForDeliveries(1);
    expect(delivered).toMatchObject({ type: "deliver", id: "hello-1", from: alice.userId, body });
    expect(delivered.ts).toBe((sent as { ts: number }).ts);
    bob.ack(["hello-1"]);
    const reply = await bob.sendAndWait(alice.userId, randomBody(), "reply-1");
    expect(reply.type).toBe("sent");
    await alice.waitForDeliveries(1);
    expect(alice.delivered[0]).toMatchObject({ id: "reply-1", from: bob.userId });
  });

  it("queues messages for an offline recipient and delivers them in store order on connect", async () => {
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    for (let i = 0; i < 5; i++) expect((await alice.sendAndWait(bobId.userId, randomBody(), `offline-${i}`)).type).toBe("sent");
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    expect(bob.frames.find((f) => f.type === "auth_ok")).toMatchObject({ queued: 5 });
    const delivered = await bob.waitForDeliveries(5);
    expect(delivered.map((d) => d.id)).toEqual(["offline-0", "offline-1", "offline-2", "offline-3", "offline-4"]);
    bob.ack(delivered.map((d) => d.id));
  });

  it("delivers unacknowledged messages again on reconnect, and acknowledged ones never again", async () => {
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    await alice.sendAndWait(bobId.userId, randomBody(), "keep-1");
    await alice.sendAndWait(bobId.userId, randomBody(), "acked-1");
    const first = await connect(relay.wsUrls[0], { identity: bobId });
    await first.waitForDeliveries(2);
    first.ack(["acked-1"]);
    await first.ping(); // the ack was processed before the pong
    await first.close();
    const second = await connect(relay.wsUrls[1], { identity: bobId });
    await second.waitForDeliveries(1);
    await second.ping();
    await new Promise((r) => setTimeout(r, 100));
    expect(second.delivered.map((d) => d.id)).toEqual(["keep-1"]);
    second.ack(["keep-1"]);
    await second.ping();
    await second.close();
    const third = await connect(relay.wsUrls[0], { identity: bobId });
    expect(third.frames.find((f) => f.type === "auth_ok")).toMatchObject({ queued: 0 });
  });

  it("delivers to every open connection of the recipient", async () => {
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    const phone = await connect(relay.wsUrls[0], { identity: bobId });
    const laptop = await connect(relay.wsUrls[1], { identity: bobId });
    const body = randomBody();
    await alice.sendAndWait(bobId.userId, body, "both-1");
    const [onPhone] = await phone.waitForDeliveries(1);
    const [onLaptop] = await laptop.waitForDeliveries(1);
    // the same message, whole, from alice, on both connections
    for (const delivered of [onPhone, onLaptop]) expect(delivered).toMatchObject({ id: "both-1", from: alice.userId, body });
    phone.ack(["both-1"]);
  });

  it("stores an idempotent resend of the same id once and acknowledges it again", async () => {
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    const body = randomBody();
    const a = await alice.sendAndWait(bobId.userId, body, "dup-1");
    const b = await alice.sendAndWait(bobId.userId, body, "dup-1");
    expect(a.type).toBe("sent");
    expect(b).toMatchObject({ type: "sent", id: "dup-1", ts: (a as { ts: number }).ts });
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    expect(bob.frames.find((f) => f.type === "auth_ok")).toMatchObject({ queued: 1 });
    await bob.waitForDeliveries(1);
    await bob.ping();
    expect(bob.delivered).toHaveLength(1);
  });

  it("answers ping with pong", async () => {
    const alice = await connect(relay.wsUrls[0]);
    const pong = await alice.ping();
    expect(Math.abs(pong.serverTime - Date.now())).toBeLessThan(5000);
  });
});
