// RELAY_DURABILITY: fsync (default) or none (no fdatasync after a batch; acks after the write).
import { spawnSync } from "node:child_process";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ConfigError, readRelayConfig } from "../../fixtures/relay/relay-config.ts";
import { RELAY_BUNDLE, cleanUpRelays, ensureRelayBundle, killAllRelays, makeTempDir, startRelayProcess } from "../support/relay-process.ts";
import { clientPool, createIdentity, randomBody } from "../support/relay-test-client.ts";

describe("RELAY_DURABILITY", () => {
  const pool = clientPool();
  afterEach(async () => {
    await pool.closeAll();
    await killAllRelays();
  });
  afterAll(cleanUpRelays);

  it("defaults to fsync and accepts fsync and none", () => {
    expect(readRelayConfig({}).durability).toBe("fsync");
    expect(readRelayConfig({ RELAY_DURABILITY: "" }).durability).toBe("fsync");
    expect(readRelayConfig({ RELAY_DURABILITY: "fsync" }).durability).toBe("fsync");
    expect(readRelayConfig({ RELAY_DURABILITY: "none" }).durability).toBe("none");
    expect(() => readRelayConfig({ RELAY_DURABILITY: "FSYNC" })).toThrow(ConfigError);
  });

  it("exits 2 naming RELAY_DURABILITY when the value is not fsync or none", async () => {
    await ensureRelayBundle();
    const result = spawnSync(process.execPath, [RELAY_BUNDLE], {
      env: { ...process.env, RELAY_LISTEN: "127.0.0.1:0", RELAY_DATA_DIR: makeTempDir(), RELAY_DURABILITY: "sometimes" },
      encoding: "utf8", timeout: 10_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/RELAY_DURABILITY="sometimes" is not valid; allowed: fsync or none/);
  });

  it("with none, acknowledges, delivers, and keeps messages across a killed process", async () => {
    const relay = await startRelayProcess({ env: { RELAY_DURABILITY: "none" } });
    const alice = await pool.connect(relay.wsUrls[0]);
    const bobIdentity = await createIdentity();
    const bob = await pool.connect(relay.wsUrls[0], { identity: bobIdentity });
    for (let i = 0; i < 5; i++) expect((await alice.sendAndWait(bob.userId, randomBody(), `n-${i}`)).type).toBe("sent");
    const delivered = await bob.waitForDeliveries(5);
    expect(delivered.map((d) => d.id)).toEqual(["n-0", "n-1", "n-2", "n-3", "n-4"]);
    bob.ack(["n-0", "n-1"]);
    await bob.ping(); // the ack is handled before the pong
    await alice.sendAndWait(bob.userId, randomBody(), "n-5");
    await bob.waitForDeliveries(6);

    // The page cache keeps written records when only the process dies.
    await relay.stop("SIGKILL");
    const again = await startRelayProcess({ dataDir: relay.dataDir, env: { RELAY_DURABILITY: "none" } });
    expect(again.started.queuedLoaded).toBe(4);
    const bobAgain = await pool.connect(again.wsUrls[0], { identity: bobIdentity });
    const redelivered = await bobAgain.waitForDeliveries(4);
    expect(redelivered.map((d) => d.id)).toEqual(["n-2", "n-3", "n-4", "n-5"]);
  });
});
