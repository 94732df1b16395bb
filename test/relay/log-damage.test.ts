// Issue 8, item 5: log replay cuts only a torn last line; a damaged record in the middle is
// reported and skipped, and the intact records after it are kept.
import { appendFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOG_FILE } from "../../fixtures/relay/relay-store.ts";
import { cleanUpRelays, startRelayProcess } from "../support/relay-process.ts";
import { RelayTestClient, createIdentity, randomBody } from "../support/relay-test-client.ts";

describe("relay log damage", () => {
  afterAll(cleanUpRelays);

  it("keeps the 999 intact messages after one flipped byte in line 11 of a 1,000-message log, and reports it", async () => {
    const first = await startRelayProcess({ env: { RELAY_RATE_PER_SEC: "100000", RELAY_RATE_BURST: "100000" } });
    const alice = await RelayTestClient.connect(first.wsUrls[0]);
    const bob = await createIdentity();
    const ids = Array.from({ length: 1000 }, (_, i) => `log-${i}`);
    for (const id of ids) alice.send(bob.userId, randomBody(100), id);
    await alice.waitFor((f) => f.type === "sent" && f.id === "log-999", 30_000);
    await alice.close();
    expect((await first.stop("SIGTERM")).code).toBe(0);

    const path = join(first.dataDir, LOG_FILE);
    const bytes = readFileSync(path);
    const lines = bytes.toString("utf8").split("\n");
    expect(lines[10]).toContain('"id":"log-10"');
    const offset = lines.slice(0, 10).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) + lines[10].indexOf('"body":"') + 12;
    bytes[offset] ^= 0x01; // still valid JSON and base64: only the checksum can tell
    writeFileSync(path, bytes);

    const second = await startRelayProcess({ dataDir: first.dataDir });
    expect(second.started).toMatchObject({ queuedLoaded: 999, damagedRecords: 1, truncatedBytes: 0 });
    expect(second.stdout()).toContain('"log_damaged"');
    const client = await RelayTestClient.connect(second.wsUrls[0], { identity: bob });
    const delivered = await client.waitForDeliveries(999);
    expect(delivered.map((d) => d.id)).toEqual(ids.filter((id) => id !== "log-10"));
    await client.close();
  }, 60_000);

  it("cuts a torn last line (no newline) and nothing else", async () => {
    const first = await startRelayProcess();
    const alice = await RelayTestClient.connect(first.wsUrls[0]);
    const bob = await createIdentity();
    for (let i = 0; i < 20; i++) await alice.sendAndWait(bob.userId, randomBody(), `torn-${i}`);
    await alice.close();
    await first.stop("SIGKILL");
    const path = join(first.dataDir, LOG_FILE);
    const size = statSync(path).size;
    appendFileSync(path, '{"k":"m","to":"half a rec');
    const second = await startRelayProcess({ dataDir: first.dataDir });
    expect(second.started).toMatchObject({ queuedLoaded: 20, damagedRecords: 0, truncatedBytes: 25 });
    expect(statSync(path).size).toBe(size);
  });
});
