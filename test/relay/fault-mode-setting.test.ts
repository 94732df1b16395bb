// RELAY_FAULT_MODE is part of the relay's config, read once from the environment at start: a
// relay asked for a fault mode without RELAY_TEST_FAULTS=1, or for an unknown one, refuses to
// start (exit 2, naming the variable and what is allowed), as for every other setting.
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, readRelayConfig } from "../../fixtures/relay/relay-config.ts";
import { RELAY_BUNDLE, cleanUpRelays, ensureRelayBundle, makeTempDir } from "../support/relay-process.ts";

describe("RELAY_FAULT_MODE in the relay's config", () => {
  afterAll(cleanUpRelays);

  it("is none by default and typed when set with RELAY_TEST_FAULTS=1", () => {
    expect(readRelayConfig({}).faultMode).toEqual({ kind: "none" });
    expect(readRelayConfig({ RELAY_FAULT_MODE: "none", RELAY_TEST_FAULTS: "1" }).faultMode).toEqual({ kind: "none" });
    expect(readRelayConfig({ RELAY_FAULT_MODE: "reorder:4", RELAY_TEST_FAULTS: "1", RELAY_FAULT_LOG: "/tmp/f.jsonl" }).faultMode)
      .toEqual({ kind: "reorder", name: "reorder:4", everyNth: 4, logFile: "/tmp/f.jsonl" });
    expect(readRelayConfig({ RELAY_FAULT_MODE: "ack-before-store", RELAY_TEST_FAULTS: "1" }).faultMode).toEqual({ kind: "ack-before-store", name: "ack-before-store", logFile: undefined });
    expect(() => readRelayConfig({ RELAY_FAULT_MODE: "drop:3" })).toThrow(ConfigError);
    expect(() => readRelayConfig({ RELAY_FAULT_MODE: "drop:0", RELAY_TEST_FAULTS: "1" })).toThrow(/RELAY_FAULT_MODE="drop:0" is not valid; allowed: drop:N, duplicate:N/);
  });

  it("exits 2 naming RELAY_FAULT_MODE when it is set without RELAY_TEST_FAULTS=1", async () => {
    await ensureRelayBundle();
    const env: NodeJS.ProcessEnv = { ...process.env, RELAY_LISTEN: "127.0.0.1:0", RELAY_DATA_DIR: makeTempDir(), RELAY_FAULT_MODE: "drop:3" };
    delete env.RELAY_TEST_FAULTS;
    const result = spawnSync(process.execPath, [RELAY_BUNDLE], { env, encoding: "utf8", timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/RELAY_FAULT_MODE="drop:3" is not valid; allowed: nothing unless RELAY_TEST_FAULTS=1 is set too/);
  });
});
