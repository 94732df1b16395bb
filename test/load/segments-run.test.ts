// A real run split over two k6 processes (--segments 2), started as the k6-operator starts its
// runners: both instances' records merge into one event log whose message checkers pass, each user
// is simulated by exactly one instance (VU ids from exec.vu.idInTest with the shared sequence), and
// summary.json lists both instances with their clocks. An SLO objective marked abortOnFail that no
// run can meet is a k6 threshold on each instance's share: both instances stop early, the run's k6
// exit code is 99, and the verdict fails naming the objective.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { requireTool } from "../support/require-tool.ts";
import { readRunFile, runChaos, type ChaosRun, type RunVerdictFile } from "../support/run-chaos.ts";

const USERS = 24;
const readLines = <T>(file: string): T[] => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as T);

/** A steady scenario of USERS users over two local k6 instances, with `slo` as its SLO file when given. */
async function segmentsRun(times: { warmup: string; duration: string; drain: string }, slo?: object): Promise<{ run: ChaosRun; summary: RunSummary }> {
  await requireTool("k6");
  await requireTool("toxiproxy-server");
  const dir = mkdtempSync(join(tmpdir(), "segments-run-"));
  const suite = join(dir, "segments.json");
  writeFileSync(suite, JSON.stringify({ name: "segments", scenarios: [{ scenario: "steady", users: USERS, rate: 20, ...times, timeline: [] }] }));
  const sloArgs = slo ? ["--slo", join(dir, "slo.json")] : [];
  if (slo) writeFileSync(sloArgs[1]!, JSON.stringify(slo));
  const run = await runChaos(["--suite", suite, "--env", "local", "--reports", dir, "--segments", "2", "--vus", "4", ...sloArgs]);
  return { run, summary: readRunFile<RunSummary>(run, "summary.json") };
}

describe("a run over two k6 instances (--segments 2)", () => {
  let run: ChaosRun;
  let summary: RunSummary;

  beforeAll(async () => {
    ({ run, summary } = await segmentsRun({ warmup: "4s", duration: "8s", drain: "3s" }));
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

describe("an abortOnFail objective no run can meet, over two k6 instances", () => {
  // warm-up and duration planned 4 s + 20 s; k6 judges an aborting threshold from 10 s (ABORT_EVAL_DELAY)
  const PLANNED_MS = 24_000;
  const OBJECTIVE = { figure: "latency.p50", op: "<", value: 0, unit: "ms", abortOnFail: true };
  let run: ChaosRun;
  let summary: RunSummary;

  beforeAll(async () => {
    ({ run, summary } = await segmentsRun({ warmup: "4s", duration: "20s", drain: "3s" }, { objectives: [OBJECTIVE] }));
  }, 120_000);

  it("stops both instances early, and the run's k6 exit code is 99", () => {
    const scenario = summary.scenarios[0];
    expect(scenario.k6ExitCode, `${run.out}\n${run.err}`).toBe(99);
    // each instance fails the threshold on its own share (99), unless the harness stopped it first
    // because the other had (instance-stop.ts: one SIGINT, k6's external abort 105, or null when it
    // was still closing its connections after its grace and was killed, saying so): one run either way
    const codes = scenario.load.instances!.runners.map((r) => r.exitCode);
    expect(codes).toContain(99);
    for (const code of codes) expect([99, 105, null]).toContain(code);
    const events = readLines<{ ev: string; t: number; instance?: number }>(join(run.runDir!, "steady", "events.jsonl"));
    const started = scenario.startedAt!;
    for (const i of [0, 1]) {
      const own = events.filter((e) => e.instance === i);
      expect(own.length, `instance ${i} wrote records`).toBeGreaterThan(0);
      const last = Math.max(...own.map((e) => e.t));
      // aborted at about 10-12 s: well before the planned end of sending
      expect(last - started, `instance ${i}'s last record`).toBeLessThan(PLANNED_MS - 6000);
    }
  });

  it("fails the verdict naming the objective, and k6's thresholds", () => {
    const verdict = readRunFile<RunVerdictFile>(run, "verdict.json");
    expect(run.code).toBe(1);
    expect(verdict.gate).toBe("fail");
    const failed = verdict.judgements.filter((j) => j.status === "fail").map((j) => j.name);
    expect(failed).toContain("k6 thresholds");
    expect(failed.some((n) => n.startsWith("latency.p50 < 0 ms")), failed.join("; ")).toBe(true);
  });
});
