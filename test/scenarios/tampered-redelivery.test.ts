// Exactness against a relay that misbehaves on purpose: real k6 runs the steady scenario through a
// proxy (test/support/tampering-relay-proxy.ts) in front of the real relay, which redelivers two
// copies with one ciphertext byte flipped and one unaltered copy out of its conversation's order.
// The client's dedupe drops all three unread; the digest each copy's record carries lets the
// corrupted checker name exactly the two altered ids, and the unaltered copy is only redelivered.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMessageCheckers } from "../../harness/analysis/checkers/all-checkers.ts";
import { generatePopulation, writePopulationFile } from "../../harness/load/population.ts";
import { parseClientEvents } from "../../harness/record/client-event-tail.ts";
import { buildMessageRecords } from "../../harness/record/message-records.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { scenarioSettings, toK6Env } from "../../scenarios/lib/scenario-settings.ts";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { requireTool } from "../support/require-tool.ts";
import { TamperingRelayProxy } from "../support/tampering-relay-proxy.ts";

let relay: RelayProcess;
let proxy: TamperingRelayProxy;
beforeAll(async () => {
  relay = await startRelayProcess();
  proxy = await TamperingRelayProxy.start(relay.wsUrls[0]);
});
afterAll(async () => {
  await proxy?.stop();
  await relay?.stop("SIGTERM");
});

describe("a relay that redelivers altered copies", () => {
  it("has exactly the altered ids reported as corrupted, and an unaltered copy out of order only as redelivered", async () => {
    const k6 = await requireTool("k6");
    const dir = mkdtempSync(join(tmpdir(), "tampered-redelivery-"));
    const settings = scenarioSettings("steady", { users: 3, vus: 1, contacts: 2, rate: 6, warmupS: 3, durationS: 5, drainS: 3, proxyEvery: 0, seed: 7 });
    const population = await generatePopulation({ users: settings.users, seed: settings.seed, contactsPerUser: settings.contacts, oneTimePrekeys: 5, cache: false, threads: 1 });
    const populationFile = join(dir, "population.json");
    await writePopulationFile(populationFile, population);
    const consoleFile = join(dir, "console.log");
    const env = toK6Env(settings, { runId: "tampered-redelivery", populationFile, endpoints: `direct-a=${proxy.url}`, directEndpoints: "1", protocol: "relay" });
    await promisify(execFile)(k6.path, ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), "scenarios/steady.ts"], { timeout: 90_000 });

    const { altered, replayed, originals } = proxy.tampering;
    expect(altered, "the proxy never saw three messages of one conversation").toHaveLength(2);
    const events: ClientEvent[] = readFileSync(consoleFile, "utf8").split("\n").flatMap(parseClientEvents);
    const { flagged, results } = await runMessageCheckers({
      records: buildMessageRecords(events), windows: [], lateMs: 10_000, setupEnd: 0, cryptoMode: settings.cryptoMode, atMostOnce: false, relaySays: () => null, relayRecordMissing: "not read in this test",
    }, null);
    const ids = (checker: string) => flagged[checker].map((f) => f.id).sort();

    expect(flagged.corrupted).toEqual(expect.arrayContaining(altered.map((id) => ({ id, fault: "none" }))));
    expect(ids("corrupted")).toEqual([...altered].sort());
    expect(ids("redelivered-on-wire")).toEqual([...altered, ...replayed].sort());
    expect(ids("out-of-order")).toEqual([]);
    expect(ids("lost")).toEqual([]);
    expect(results.find((r) => r.name === "corrupted")?.status).toBe("fail");
    expect(results.find((r) => r.name === "redelivered-on-wire")?.status).toBe("pass");
    // what k6 recorded is the SHA-256 of the body the relay delivered (node:crypto agrees with k6/crypto)
    for (const [id, body] of originals) {
      const shown = events.find((e): e is Extract<ClientEvent, { ev: "delivered" }> => e.ev === "delivered" && e.id === id && !e.dup);
      expect(shown?.digest, `shown copy of ${id}`).toBeDefined();
      expect(createHash("sha256").update(body).digest("base64url").startsWith(shown!.digest!)).toBe(true);
    }
  });
});
