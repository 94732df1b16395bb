import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fromBase64 } from "../../harness/protocol/bytes.ts";
import { verifyBase64 } from "../../harness/protocol/signatures.ts";
import { cleanUpRelays, startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { clientPool, type FrameOf } from "../support/relay-test-client.ts";

describe("relay prekey directory", () => {
  let relay: RelayProcess;
  const { connect, closeAll } = clientPool();

  beforeAll(async () => {
    relay = await startRelayProcess();
  });
  afterEach(closeAll);
  afterAll(cleanUpRelays);

  it("hands out each one-time prekey exactly once, then bundles without one", async () => {
    const bob = await connect(relay.wsUrls[0]);
    expect(await bob.publishPrekeys({ oneTime: 12 })).toMatchObject({ type: "prekeys_ok", oneTimePrekeys: 12 });
    const fetchers = await Promise.all([connect(relay.wsUrls[0]), connect(relay.wsUrls[0]), connect(relay.wsUrls[0])]);
    // Three clients race for the 12 prekeys, 5 fetches each.
    const bundles = (await Promise.all(fetchers.flatMap((f) => Array.from({ length: 5 }, () => f.fetchPrekeys(bob.userId))))) as FrameOf<"prekey_bundle">[];
    const handedOut = bundles.filter((b) => b.oneTimePrekey).map((b) => b.oneTimePrekey!.id);
    expect(handedOut).toHaveLength(12);
    expect(new Set(handedOut).size).toBe(12);
    const empty = bundles.filter((b) => !b.oneTimePrekey);
    expect(empty).toHaveLength(3);
    for (const b of empty) expect(b.oneTimeRemaining).toBe(0);
    const bundle = bundles[0];
    expect(await verifyBase64(bundle.signingKey, bundle.dhKeySig, fromBase64(bundle.dhKey))).toBe(true);
    expect(await verifyBase64(bundle.signingKey, bundle.signedPrekey.sig, fromBase64(bundle.signedPrekey.key))).toBe(true);
  });

  it("tells the owner when its one-time prekeys run low", async () => {
    const bob = await connect(relay.wsUrls[0]);
    await bob.publishPrekeys({ oneTime: 10 }); // one fetch leaves 9, below 10
    const alice = await connect(relay.wsUrls[0]);
    await alice.fetchPrekeys(bob.userId);
    const low = await bob.waitFor((f) => f.type === "prekeys_low");
    expect(low).toMatchObject({ remaining: 9 });
  });

  it("adds republished one-time prekeys to the remaining stock", async () => {
    const bob = await connect(relay.wsUrls[0]);
    await bob.publishPrekeys({ oneTime: 2, firstId: 1 });
    const more = await bob.publishPrekeys({ oneTime: 3, firstId: 100 });
    expect(more).toMatchObject({ type: "prekeys_ok", oneTimePrekeys: 5 });
  });

  it("keeps consumed prekeys consumed across a restart", async () => {
    const bob = await connect(relay.wsUrls[0]);
    await bob.publishPrekeys({ oneTime: 2 });
    const alice = await connect(relay.wsUrls[0]);
    const first = (await alice.fetchPrekeys(bob.userId)) as FrameOf<"prekey_bundle">;
    await closeAll();
    expect((await relay.stop("SIGKILL")).signal).toBe("SIGKILL");
    relay = await startRelayProcess({ dataDir: relay.dataDir });
    const carol = await connect(relay.wsUrls[0]);
    const second = (await carol.fetchPrekeys(bob.userId)) as FrameOf<"prekey_bundle">;
    const third = (await carol.fetchPrekeys(bob.userId)) as FrameOf<"prekey_bundle">;
    expect(second.oneTimePrekey?.id).toBeDefined();
    expect(second.oneTimePrekey?.id).not.toBe(first.oneTimePrekey?.id);
    expect(third.oneTimePrekey).toBeUndefined();
    expect(third.oneTimeRemaining).toBe(0);
  });
});
