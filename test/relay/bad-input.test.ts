import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUpRelays, startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { RelayTestClient, randomBody, type FrameOf } from "../support/relay-test-client.ts";

const LIMITS = {
  RELAY_MAX_FRAME_BYTES: "4096",
  RELAY_MAX_BODY_BYTES: "1024",
  RELAY_FORWARD_CAP: "5",
  RELAY_RATE_PER_SEC: "20",
  RELAY_RATE_BURST: "10",
};

describe("relay limits and bad input", () => {
  let relay: RelayProcess;
  let alice: RelayTestClient;
  let bob: RelayTestClient;
  const clients: RelayTestClient[] = [];
  const connect = async (): Promise<RelayTestClient> => {
    const client = await RelayTestClient.connect(relay.wsUrls[0]);
    clients.push(client);
    return client;
  };
  let exchanges = 0;
  /** A bystander pair still exchanges messages through the relay. */
  const assertStillServing = async (): Promise<void> => {
    const id = `bystander-${++exchanges}`;
    let answer = await alice.sendAndWait(bob.userId, randomBody(), id);
    while (answer.type === "error" && answer.code === "rate_limited") { // the bystander's own bucket (burst 10)
      await new Promise((r) => setTimeout(r, (answer as FrameOf<"error">).retryAfterMs));
      answer = await alice.sendAndWait(bob.userId, randomBody(), id);
    }
    expect(answer).toMatchObject({ type: "sent", id });
    await bob.waitFor((f) => f.type === "deliver" && f.id === id);
    bob.ack([id]);
  };

  beforeAll(async () => {
    relay = await startRelayProcess({ env: LIMITS });
    alice = await RelayTestClient.connect(relay.wsUrls[0]);
    bob = await RelayTestClient.connect(relay.wsUrls[0]);
  });
  afterEach(async () => {
    await assertStillServing();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await Promise.all([alice.close(), bob.close()]);
    await cleanUpRelays();
  });

  const badFrames: [string, string | Uint8Array | Record<string, unknown>, string][] = [
    ["text that is not JSON", "{not json", "bad_frame"],
    ["a JSON array", "[1,2,3]", "bad_frame"],
    ["an object without type", { id: "x" }, "bad_frame"],
    ["an unknown type", { type: "teleport" }, "unknown_type"],
    ["a send without body", { type: "send", id: "a", to: "A".repeat(22) }, "bad_frame"],
    ["a send to a malformed user id", { type: "send", id: "a", to: "../../etc", body: "AAAA" }, "bad_frame"],
    ["a send whose body is not base64", { type: "send", id: "a", to: "A".repeat(22), body: "!!!!" }, "bad_frame"],
    ["a send with a 200-character id", { type: "send", id: "x".repeat(200), to: "A".repeat(22), body: "AAAA" }, "bad_frame"],
    ["an ack with a non-array acks", { type: "ack", acks: "m1" }, "bad_frame"],
    ["an ack in the old ids form", { type: "ack", ids: ["m1"] }, "bad_frame"],
    ["a publish with keys that are not P-256 points", { type: "publish_prekeys", dhKey: "AAAA", dhKeySig: "AAAA", signedPrekey: { id: 1, key: "AAAA", sig: "AAAA" }, oneTimePrekeys: [] }, "bad_frame"],
    ["a binary frame", new Uint8Array([1, 2, 3, 4]), "bad_frame"],
  ];
  for (const [name, frame, code] of badFrames) {
    it(`answers ${name} with ${code} and keeps the connection`, async () => {
      const client = await connect();
      client.sendFrame(frame);
      expect(await client.waitFor((f) => f.type === "error")).toMatchObject({ code });
      await client.ping();
    });
  }

  it("rejects a body above the body limit with too_large, not stored", async () => {
    const client = await connect();
    const answer = await client.sendAndWait(bob.userId, randomBody(1025), "big-body");
    expect(answer).toMatchObject({ type: "error", code: "too_large", id: "big-body", limit: 1024 });
    expect((await client.sendAndWait(bob.userId, randomBody(1024), "max-body")).type).toBe("sent");
    await bob.waitFor((f) => f.type === "deliver" && f.id === "max-body");
    expect(bob.delivered.some((d) => d.id === "big-body")).toBe(false);
    bob.ack(["max-body"]);
  });

  it("closes a connection that sends a frame above the frame limit with 1009", async () => {
    const client = await connect();
    client.sendFrame({ type: "ping", t: 1, pad: "x".repeat(5000) });
    expect((await client.closed).code).toBe(1009);
  });

  it("closes after 10 bad frames in a row with 4400, not after 9 followed by a good one", async () => {
    const patient = await connect();
    for (let i = 0; i < 9; i++) patient.sendFrame("nope");
    await patient.ping();
    for (let i = 0; i < 9; i++) patient.sendFrame("nope");
    await patient.ping();
    const client = await connect();
    for (let i = 0; i < 10; i++) client.sendFrame("nope");
    expect((await client.closed).code).toBe(4400);
    expect(client.errors("bad_frame")).toHaveLength(10);
  });

  it("rejects a forward above the forward cap with too_many_recipients and its limit", async () => {
    const client = await connect();
    expect(await client.sendAndWait(bob.userId, randomBody(), "fwd-6", 6)).toMatchObject({ type: "error", code: "too_many_recipients", limit: 5 });
    expect(await client.sendAndWait(bob.userId, randomBody(), "fwd-5", 5)).toMatchObject({ type: "sent" });
    await bob.waitFor((f) => f.type === "deliver" && f.id === "fwd-5");
    bob.ack(["fwd-5"]);
  });

  it("rate-limits a sender with retryAfterMs and stores none of the rejected messages", async () => {
    const client = await connect();
    const ids = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(ids.map((id) => client.sendAndWait(bob.userId, randomBody(), id)));
    const sent = answers.filter((a) => a.type === "sent");
    const limited = answers.filter((a): a is FrameOf<"error"> => a.type === "error");
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThan(20);
    for (const l of limited) {
      expect(l.code).toBe("rate_limited");
      expect(l.retryAfterMs).toBeGreaterThan(0);
    }
    await bob.waitFor((f) => f.type === "deliver" && f.id === sent[sent.length - 1].id);
    await bob.ping();
    const received = bob.delivered.filter((d) => d.id.startsWith("burst-")).map((d) => d.id);
    expect(received.sort()).toEqual(sent.map((s) => s.id).sort());
    bob.ack(received);
    // Another sender is not affected by this sender's bucket, and the bucket refills.
    await new Promise((r) => setTimeout(r, (limited[0]?.retryAfterMs ?? 0) + 100));
    expect((await client.sendAndWait(bob.userId, randomBody(), "after-wait")).type).toBe("sent");
    await bob.waitFor((f) => f.type === "deliver" && f.id === "after-wait");
    bob.ack(["after-wait"]);
  });
});
