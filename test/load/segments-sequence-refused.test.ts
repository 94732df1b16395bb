// A k6 instance given a part of the test without the one sequence every instance shares is refused
// before any of its users signs in (scenarios/lib/segment-guard.ts): without the sequence
// exec.vu.idInTest leaves holes and some users would never be simulated. Real k6 on the steady
// scenario, with a segment and no sequence: it aborts (k6's exit code 108) naming both flags, and
// writes no connection or message record. The same instance with the shared sequence runs.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatePopulation, writePopulationFile } from "../../harness/load/population.ts";
import { parseClientEvents } from "../../harness/record/client-event-tail.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { scenarioSettings, toK6Env } from "../../scenarios/lib/scenario-settings.ts";
import { requireTool } from "../support/require-tool.ts";

const K6_SCRIPT_ABORTED = 108;

/** Runs steady.ts for 4 users on 2 VUs with `segmentArgs`; no server answers, so a user that starts only fails to connect. */
async function runInstance(segmentArgs: string[]): Promise<{ code: number | null; log: string; records: ClientEvent[] }> {
  const k6 = await requireTool("k6");
  const dir = mkdtempSync(join(tmpdir(), "segment-sequence-"));
  const settings = scenarioSettings("steady", { users: 4, vus: 2, contacts: 2, rate: 2, warmupS: 1, durationS: 1, drainS: 1, proxyEvery: 0, connectTimeoutMs: 500 });
  const populationFile = join(dir, "population.json");
  await writePopulationFile(populationFile, await generatePopulation({ users: 4, seed: 1, contactsPerUser: 2, oneTimePrekeys: 2, cache: false, threads: 1 }));
  const consoleFile = join(dir, "console.jsonl");
  const env = toK6Env(settings, { runId: "segment-sequence", populationFile, endpoints: "direct-a=ws://127.0.0.1:9/ws", directEndpoints: "1", protocol: "relay" });
  const args = ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), "scenarios/steady.ts", ...segmentArgs];
  return new Promise((done) => {
    execFile(k6.path, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      let lines: string[] = [];
      try { lines = readFileSync(consoleFile, "utf8").split("\n"); } catch { /* k6 wrote none */ }
      const records = lines.flatMap(parseClientEvents);
      done({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, log: stdout + stderr, records });
    });
  });
}

describe("an execution segment without the shared sequence", () => {
  it("is refused before any user signs in, naming both flags", async () => {
    const run = await runInstance(["--execution-segment=0:1/2"]);
    expect(run.code, run.log).toBe(K6_SCRIPT_ABORTED);
    expect(run.log).toContain("--execution-segment=0:1/2 without --execution-segment-sequence");
    expect(run.records.filter((e) => e.ev === "conn" || e.ev === "sent")).toEqual([]);
  }, 60_000);

  it("runs with the shared sequence", async () => {
    const run = await runInstance(["--execution-segment=0:1/2", "--execution-segment-sequence=0,1/2,1"]);
    expect(run.log).not.toContain("without --execution-segment-sequence");
    expect(run.code, run.log).not.toBe(K6_SCRIPT_ABORTED);
    // its users started: they tried to connect (no server answers here)
    expect(run.records.some((e) => e.ev === "conn")).toBe(true);
  }, 60_000);
});
