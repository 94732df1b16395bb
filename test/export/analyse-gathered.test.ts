// `analyse` of records laid out as the k6-operator's collector gathers them gives the verdict of the
// local run they came from: a real --segments 2 run with one latency fault, its files rearranged
// into the gathered folder (runners/<pod>/, faults.jsonl, plan.json, population.json), analysed, and
// the two summaries compared. The fault records are stamped as by a collector whose clock is 5 s
// behind runner 1's, with that collector's measured offset: analyse must put them back. Bad input (no folder, a missing record file) exits 2 naming the file.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ExportedPlan } from "../../harness/export/k8s/export-k8s.ts";
import { executionSegmentArgs } from "../../harness/load/segments/execution-segment-args.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { runSummarySchema } from "../../harness/report/summary/run-summary-schema.ts";
import { loadSuite } from "../../harness/suites/load-suite.ts";
import { requireTool } from "../support/require-tool.ts";
import { readRunFile, runChaos, type ChaosRun, type RunVerdictFile } from "../support/run-chaos.ts";

const TEST = "chaos-seg";
const COLLECTOR_BEHIND_MS = 5000;
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

/** A local run folder's scenario as the collector leaves it on the records claim. */
function gatheredFrom(runDir: string, suiteFile: string, summary: RunSummary, out: string): void {
  const scenario = summary.scenarios[0];
  const from = join(runDir, scenario.name);
  const { instances: _instances, ...load } = scenario.load;
  const plan: ExportedPlan = {
    test: TEST, runId: summary.runId, plan: loadSuite(suiteFile).scenarios[0], load, parallelism: 2,
    runners: [0, 1].map((index) => ({ index, segmentArgs: executionSegmentArgs(index, 2) })),
    toxiproxyApi: `http://${TEST}-toxiproxy:8474`, toxiproxyPaths: [], relayStatefulSet: `${TEST}-relay`,
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "plan.json"), JSON.stringify(plan));
  // a collector 5 s behind runner 1: its fault times 5 s earlier, the relay 5 s further ahead of it
  const faults = readFileSync(join(from, "faults.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>);
  const stamped = faults.map((f) => ({ ...f, requestedAt: f.requestedAt - COLLECTOR_BEHIND_MS, appliedAt: f.appliedAt - COLLECTOR_BEHIND_MS, lastAppliedAt: f.lastAppliedAt - COLLECTOR_BEHIND_MS }));
  writeFileSync(join(out, "faults.jsonl"), stamped.map((f) => JSON.stringify(f)).join("\n") + "\n");
  const runner1 = scenario.load.instances!.runners[0].clock!;
  writeFileSync(join(out, "collector-clock.json"), JSON.stringify({ url: "ws://chaos-seg-direct-a:8101/ws", measured: { offsetMs: runner1.offsetMs + COLLECTOR_BEHIND_MS, boundMs: 1, samples: 5 } }));
  copyFileSync(join(from, "population.json"), join(out, "population.json"));
  for (const i of [0, 1]) {
    // pods in the operator's naming, listed in the opposite order: analyse orders by instance, not by name
    const pod = join(out, "runners", `${TEST}-${i + 1}-${i === 0 ? "zz9" : "aa1"}`);
    mkdirSync(pod, { recursive: true });
    copyFileSync(join(from, `instance-${i}`, "k6-console.jsonl"), join(pod, "k6-console.jsonl"));
    copyFileSync(join(from, `instance-${i}`, "k6-summary.json"), join(pod, "k6-summary.json"));
  }
}

function analysedRunDir(reports: string): string {
  const runs = readdirSync(reports).filter((d) => d.endsWith("-k8s-seg"));
  expect(runs).toHaveLength(1);
  return join(reports, runs[0]);
}

describe("analyse of a gathered folder", () => {
  let local: ChaosRun;
  let localSummary: RunSummary;
  let analysed: ChaosRun;
  let analysedSummary: RunSummary;
  let analysedDir: string;

  beforeAll(async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    const dir = mkdtempSync(join(tmpdir(), "analyse-gathered-"));
    const suite = join(dir, "seg.json");
    writeFileSync(suite, JSON.stringify({
      name: "seg", scenarios: [{
        name: "seg", scenario: "steady", users: 20, rate: 20, warmup: "4s", duration: "8s", drain: "3s",
        timeline: [{ at: "7s", for: "3s", target: "direct", fault: { kind: "latency", latencyMs: 200 } }],
      }],
    }));
    // the cluster's traffic is not captured: analyse's privacy check is unknown, and both runs allow it
    const slo = join(dir, "slo.json");
    writeFileSync(slo, JSON.stringify({ unknown: "fail", allowUnknown: [{ judgement: "privacy", scenario: "seg", reason: "traffic not captured under the k6-operator" }], objectives: [] }));
    local = await runChaos(["--suite", suite, "--slo", slo, "--env", "local", "--reports", join(dir, "local"), "--segments", "2", "--vus", "4"]);
    localSummary = readRunFile<RunSummary>(local, "summary.json");
    const gathered = join(dir, "gathered");
    gatheredFrom(local.runDir!, suite, localSummary, gathered);
    analysed = await runChaos(["analyse", gathered, "--reports", join(dir, "analysed"), "--slo", slo]);
    analysedDir = analysedRunDir(join(dir, "analysed"));
    analysedSummary = readJson<RunSummary>(join(analysedDir, "summary.json"));
  }, 120_000);

  it("gives the local run's verdict, judgement by judgement", () => {
    const localVerdict = readRunFile<RunVerdictFile>(local, "verdict.json");
    const verdict = readJson<RunVerdictFile>(join(analysedDir, "verdict.json"));
    expect(local.code, `${local.out}\n${local.err}`).toBe(0);
    expect(analysed.code, `${analysed.out}\n${analysed.err}`).toBe(0);
    expect(verdict.gate).toBe(localVerdict.gate);
    const statuses = (v: RunVerdictFile) => v.judgements.filter((j) => j.name !== "privacy").map((j) => `${j.name}: ${j.status}`).sort();
    expect(statuses(verdict)).toEqual(statuses(localVerdict));
    expect(verdict.judgements.find((j) => j.name === "privacy")?.status).toBe("unknown");
  });

  it("gives the same message figures, checks and fault windows", () => {
    const [a, l] = [analysedSummary.scenarios[0], localSummary.scenarios[0]];
    expect(l.figures.messages.delivered).toBeGreaterThan(50);
    expect(a.figures.messages).toEqual(l.figures.messages);
    expect(a.figures.deliveryLatencyMs).toEqual(l.figures.deliveryLatencyMs);
    const checks = (s: typeof a) => s.checks.filter((c) => c.name !== "privacy").map((c) => [c.name, c.status, c.details.count]);
    expect(checks(a)).toEqual(checks(l));
    expect(a.faults).toEqual(l.faults);
    const windows = (s: typeof a) => s.figures.windows.map((w) => [w.kind, w.injectedAt, w.healedAt, w.during?.sent, w.during?.delivered]);
    expect(windows(a)).toHaveLength(1);
    expect(windows(a)).toEqual(windows(l));
    expect(a.k6ExitCode).toBe(l.k6ExitCode);
  });

  it("lists both runners with their segments and clocks, and writes the local run's files and page", () => {
    const [a, l] = [analysedSummary.scenarios[0].load.instances!, localSummary.scenarios[0].load.instances!];
    expect(a.runners.map((r) => [r.segment, r.correctionMs, r.clock?.offsetMs])).toEqual(l.runners.map((r) => [r.segment, r.correctionMs, r.clock?.offsetMs]));
    const { faults: faultClock, ...clock } = a.clock;
    expect(clock).toEqual(l.clock);
    // the collector's fault records moved back by its measured offset, within the bound stated
    expect(faultClock).toMatchObject({ stampedBy: "collector", correctionMs: COLLECTOR_BEHIND_MS, residualBoundMs: Math.round((1 + l.runners[0].clock!.boundMs) * 10) / 10 });
    expect(l.clock.faults).toBeUndefined();
    expect(analysedSummary.environment.kind).toBe("k6-operator");
    const parsed = runSummarySchema.safeParse(analysedSummary);
    expect(parsed.error?.issues ?? []).toEqual([]);
    for (const f of ["index.html", "verdict.md", "junit.xml", "seg/events.jsonl", "seg/messages.jsonl", "seg/checks.json", "seg/instance-1/k6-console.jsonl"]) {
      expect(readFileSync(join(analysedDir, f), "utf8").length, f).toBeGreaterThan(0);
    }
  });
});

describe("analyse refuses bad input with exit code 2, naming the file", () => {
  it("a folder that does not exist", async () => {
    const run = await runChaos(["analyse", "/nonexistent/gathered"]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/\/nonexistent\/gathered: no such folder/);
  });

  it("a runner folder without its records, and no faults.jsonl", async () => {
    const dir = mkdtempSync(join(tmpdir(), "analyse-bad-"));
    writeFileSync(join(dir, "plan.json"), JSON.stringify({ test: TEST, plan: { name: "seg" }, load: {}, parallelism: 1 }));
    writeFileSync(join(dir, "population.json"), JSON.stringify({ members: [] }));
    let run = await runChaos(["analyse", dir]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`${join(dir, "faults.jsonl")}: missing`);
    writeFileSync(join(dir, "faults.jsonl"), "");
    mkdirSync(join(dir, "runners", `${TEST}-1-abc`), { recursive: true });
    run = await runChaos(["analyse", dir]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`${join(dir, "runners", `${TEST}-1-abc`, "k6-console.jsonl")}: missing`);
    rmSync(join(dir, "population.json"));
    run = await runChaos(["analyse", dir]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`${join(dir, "population.json")}: missing`);
  });
});
