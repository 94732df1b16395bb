// A real run split over two k6 processes (--segments 2), started as the k6-operator starts its
// runners: both instances' records merge into one event log whose message checkers pass, each user
// is simulated by exactly one instance (VU ids from exec.vu.idInTest with the shared sequence), and
// summary.json lists both instances with their clocks.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { requireTool } from "../support/require-tool.ts";
import { readRunFile, runChaos, type ChaosRun, type RunVerdictFile } from "../support/run-chaos.ts";

const USERS = 24;
const readLines = <T>(file: string): T[] => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as T);

describe("a run over two k6 instances (--segments 2)", () => {
  let run: ChaosRun;
  let summary: RunSummary;

  beforeAll(async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    const dir = mkdtempSync(join(tmpdir(), "segments-run-"));
    const suite = join(dir, "segments.json");
    writeFileSync(suite, JSON.stringify({ name: "segments", scenarios: [{ scenario: "steady", users: USERS, rate: 20, warmup: "4s", duration: "8s", drain: "3s", timeline: [] }] }));
    run = await runChaos(["--suite", suite, "--env", "local", "--reports", dir, "--segments", "2", "--vus", "4"]);
    summary = readRunFile<RunSummary>(run, "summary.json");
  }, 120_000);

  it("judges the merged log as one run: every message checker passes", () => {
    const verdict = readRunFile<RunVerdictFile>(run, "verdict.json");
    const checks = summary.scenarios[0].checks.filter((c) => c.name !== "privacy");
    expect(checks.length).toBeGreaterThan(3);
    for (const c of checks) expect(c.status, `${c.name}: ${JSON.stringify(c.details).slice(0, 300)}`).toBe("pass");
    expect(summary.scenarios[0].figures.messages.delivered).toBeGreaterThan(50);
    expect(run.code, `${run.out}\n${run.err}\n${JSON.stringify(verdict.judgements.filter((j) => j.status !== "pass"))}`).toBe(0);
  });

  it("gives every user to exactly one instance", () => {
    const events = readLines<{ ev: string; user?: number; from?: number; instance?: number }>(join(run.runDir!, "steady", "events.jsonl"));
    const usersOf = [0, 1].map((i) => new Set(events.filter((e) => e.instance === i && e.ev === "conn").map((e) => e.user!)));
    expect(usersOf[0].size).toBeGreaterThan(0);
    expect(usersOf[1].size).toBeGreaterThan(0);
    expect([...usersOf[0]].filter((u) => usersOf[1].has(u))).toEqual([]);
    expect(usersOf[0].size + usersOf[1].size).toBe(USERS);
    // senders too: a message comes from an instance's own users only
    for (const e of events) if (e.ev === "sent") expect(usersOf[e.instance!].has(e.from!)).toBe(true);
  });

  it("lists both instances in summary.json, each with its segment, process, exit code, clock and saturation", () => {
    const instances = summary.scenarios[0].load.instances!;
    expect(instances.count).toBe(2);
    expect(instances.sequence).toBe("0,1/2,1");
    expect(instances.runners.map((r) => r.segment)).toEqual(["0:1/2", "1/2:1"]);
    for (const r of instances.runners) {
      expect(r.pid).toBeGreaterThan(0);
      expect(r.exitCode).toBe(0);
      expect(r.clock!.samples).toBeGreaterThan(0);
      expect(r.saturation.measured).toBe(true);
    }
    // one machine, one clock: no correction, and a bound of a few ms
    expect(instances.runners.map((r) => r.correctionMs)).toEqual([0, 0]);
    expect(instances.clock.residualBoundMs).toBeGreaterThanOrEqual(0);
    expect(instances.clock.residualBoundMs).toBeLessThan(100);
    expect(Object.keys(summary.scenarios[0].files)).toEqual(expect.arrayContaining(["k6Console-0", "k6Console-1", "k6Summary-0", "k6Log-1"]));
  });
});
