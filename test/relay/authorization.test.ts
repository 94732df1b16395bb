import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toBase64 } from "../../harness/protocol/bytes.ts";
import { cleanUpRelays, startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { clientPool, createIdentity, randomBody } from "../support/relay-test-client.ts";

describe("relay authentication and authorization", () => {
  let relay: RelayProcess;
  const { connect, closeAll } = clientPool();

  beforeAll(async () => {
    relay = await startRelayProcess({ env: { RELAY_AUTH_TIMEOUT_MS: "500" } });
  });
  afterEach(closeAll);
  afterAll(cleanUpRelays);

  it("derives the user id from the signing key", async () => {
    const identity = await createIdentity();
    const client = await connect(relay.wsUrls[0], { identity });
    expect(client.userId).toBe(identity.userId);
  });

  it("closes with 4401 when the challenge is signed by another key", async () => {
    const mallory = await createIdentity();
    const client = await connect(relay.wsUrls[0], { authenticate: false });
    client.authenticate(mallory.signing.privateKey).catch(() => {});
    expect((await client.closed).code).toBe(4401);
  });

  it("closes with 4401 on a malformed signing key", async () => {
    const client = await connect(relay.wsUrls[0], { authenticate: false });
    client.sendFrame({ type: "auth", v: 1, signingKey: "AAAA", signature: toBase64(new Uint8Array(64)) });
    expect((await client.closed).code).toBe(4401);
  });

  it("answers frames before authentication with not_authenticated", async () => {
    const client = await connect(relay.wsUrls[0], { authenticate: false });
    client.sendFrame({ type: "send", id: "x", to: "A".repeat(22), body: randomBody() });
    const error = await client.waitFor((f) => f.type === "error");
    expect(error).toMatchObject({ code: "not_authenticated" });
  });

  it("closes with 4408 when no auth arrives in time", async () => {
    const client = await connect(relay.wsUrls[0], { authenticate: false });
    expect((await client.closed).code).toBe(4408);
  });

  it("lets no one but the recipient acknowledge or receive a message", async () => {
    const alice = await connect(relay.wsUrls[0]);
    const bobId = await createIdentity();
    await alice.sendAndWait(bobId.userId, randomBody(), "private-1");
    const mallory = await connect(relay.wsUrls[0]);
    expect(mallory.frames.find((f) => f.type === "auth_ok")).toMatchObject({ queued: 0 });
    mallory.ack(["private-1"], alice.userId);
    alice.ack(["private-1"], alice.userId); // not even the sender
    await mallory.ping();
    await alice.ping();
    expect(mallory.delivered).toHaveLength(0);
    const bob = await connect(relay.wsUrls[0], { identity: bobId });
    const [delivered] = await bob.waitForDeliveries(1);
    expect(delivered).toMatchObject({ id: "private-1", from: alice.userId });
  });

  it("publishes prekeys only for the authenticated identity", async () => {
    const victim = await createIdentity();
    const mallory = await connect(relay.wsUrls[0]);
    // Signed with the victim's key: does not verify against mallory's authenticated key.
    const forged = await mallory.publishPrekeys({ signWith: victim.signing.privateKey });
    expect(forged).toMatchObject({ type: "error", code: "bad_signature" });
    const lookup = await mallory.fetchPrekeys(victim.userId);
    expect(lookup).toMatchObject({ type: "error", code: "no_prekeys" });
    const own = await mallory.publishPrekeys({ oneTime: 3 });
    expect(own).toMatchObject({ type: "prekeys_ok", oneTimePrekeys: 3 });
    const bundle = await mallory.fetchPrekeys(mallory.userId);
    expect(bundle).toMatchObject({ type: "prekey_bundle", userId: mallory.userId, signingKey: mallory.identity.signingKey });
  });
});
