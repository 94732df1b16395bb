// The one verdict: every source of judgement becomes the same kind of result, they combine as fail
// over unknown over pass, the gate and the exit code follow, and the outputs say the same thing.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exitCodeForVerdict } from "../../harness/cli/verdict-exit-code.ts";
import { writeVerdict } from "../../harness/report/verdict/write-verdict.ts";
import type { JudgedScenario } from "../../harness/verdict/judged-scenario.ts";
import { k6ThresholdsFor } from "../../harness/verdict/k6-thresholds.ts";
import { loadSlo, type LoadedSlo } from "../../harness/verdict/load-slo.ts";
import { runVerdict } from "../../harness/verdict/run-verdict.ts";
import { requireCommand } from "../support/require-tool.ts";

const pct = (p50: number, p95: number, p99: number) => ({ count: 100, p50, p95, p99, max: p99 + 10 });

function scenario(over: Partial<JudgedScenario> = {}, lostAfterAck = 0): JudgedScenario {
  return {
    name: "steady", scenario: "steady", status: "completed", k6ExitCode: 0,
    figures: {
      messages: { sent: 100, acked: 100, delivered: 100 - lostAfterAck, lostAfterAck, neverAcked: 0, duplicates: 0, decryptFailures: 0, rejected: 0 },
      deliveryLatencyMs: pct(10, 40, 80),
      windows: [{
        entry: 0, kind: "relay-crash", target: "relay", before: { sent: 50, delivered: 50, latencyMs: pct(8, 30, 60) },
        during: { sent: 10, delivered: 10, latencyMs: pct(900, 2000, 2500) }, after: { sent: 40, delivered: 40, latencyMs: pct(12, 50, 90) },
        recovery: { recovery: { recovered: true, ttrMs: 4200 }, usersBack99Ms: 3000, backlog: { undelivered: 0, drainMs: 1500 }, messages: { lostAfterAck: 0, duplicates: 0, neverAcked: 0 } },
        failover: null,
      }],
      phases: [],
    },
    generator: { measured: true, note: null, inMeasuredWindow: false, spans: [] },
    checks: [{ name: "privacy", status: "pass", details: { findings: [] } }],
    ...over,
  };
}

const dir = mkdtempSync(join(tmpdir(), "verdict-"));
function slo(content: object, scenarioNames = ["steady"]): LoadedSlo {
  const file = join(dir, `slo-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return loadSlo(file, scenarioNames);
}
const verdictOf = (scenarios: JudgedScenario[], s: LoadedSlo | null = null, baseline: JudgedScenario[] | null = null) =>
  runVerdict({ runId: "r1", scenarios, interrupted: false, slo: s, baseline: baseline ? { source: "base/summary.json", scenarios: baseline } : null });

describe("one verdict from every source of judgement", () => {
  it("passes a clean run and exits 0", () => {
    const v = verdictOf([scenario()]);
    expect(v.judgements.map((j) => [j.source, j.name, j.status])).toEqual([
      ["run", "scenario ran to the end", "pass"], ["k6-thresholds", "k6 thresholds", "pass"], ["check", "privacy", "pass"],
      ["generator", "load generator kept up (saturation guard)", "pass"], ["messages", "no acknowledged message lost", "pass"],
    ]);
    expect([v.status, v.gate, exitCodeForVerdict(v)]).toEqual(["pass", "pass", 0]);
  });

  it("fails on a privacy finding, a lost acknowledged message, a k6 threshold or a saturated generator, naming each", () => {
    const leaked = verdictOf([scenario({ checks: [{ name: "privacy", status: "fail", details: { findings: [{ found: "canary", source: "proxy-1", canary: "CANARY-r1-0.7" }] } }] })]);
    expect([leaked.gate, exitCodeForVerdict(leaked)]).toEqual(["fail", 1]);
    expect(leaked.judgements.find((j) => j.name === "privacy")).toMatchObject({ status: "fail", measured: "1 finding(s)", limit: "0 findings" });
    const lost = verdictOf([scenario({}, 3)]);
    expect(lost.judgements.find((j) => j.source === "messages")).toMatchObject({ status: "fail", measured: "3 lost of 100 acknowledged", limit: "== 0" });
    expect(exitCodeForVerdict(lost)).toBe(1);
    expect(exitCodeForVerdict(verdictOf([scenario({ k6ExitCode: 99 })]))).toBe(1);
    const checker = verdictOf([scenario({ checks: [{ name: "lost", status: "fail", details: { count: 4, checked: 100, ids: [{ id: "1.7", fault: "none" }, { id: "2.3", fault: "none" }, { id: "3.1", fault: "none" }, { id: "4.9", fault: "none" }] } }] })]);
    expect(checker.judgements.find((j) => j.name === "lost")).toMatchObject({ source: "check", status: "fail", measured: "4 of 100 message(s) flagged (1.7, 2.3, 3.1, ...)", limit: "none flagged" });
    expect(exitCodeForVerdict(checker)).toBe(1);
    // a checker that reports more than it fails is shown with its own rule, never "none flagged" beside a count
    const reporting = verdictOf([scenario({ checks: [
      { name: "redelivered-on-wire", status: "pass", details: { count: 2, checked: 100, ids: [{ id: "36.3", fault: "timeline[0] relay-restart" }, { id: "43.3", fault: "timeline[0] relay-restart" }], policy: "at least once: reported, not a failure" } },
      { name: "late", status: "pass", details: { count: 21, checked: 100, ids: [], unexplained: 0 } },
    ] })]);
    expect(reporting.judgements.find((j) => j.name === "redelivered-on-wire")).toMatchObject({ status: "pass", measured: "2 of 100 message(s) flagged (36.3, 43.3)", limit: "at least once: reported, not a failure" });
    expect(reporting.judgements.find((j) => j.name === "late")).toMatchObject({ status: "pass", measured: "21 of 100 message(s) flagged; 0 that no fault explains", limit: "none that no fault explains" });
    const saturated = verdictOf([scenario({ generator: { measured: true, note: null, inMeasuredWindow: true, spans: [{ inMeasuredWindow: true, reason: "timer lag 340 ms", fromS: 12, toS: 31 }] } })]);
    expect(saturated.judgements.find((j) => j.source === "generator")).toMatchObject({ status: "fail", details: { spans: ["12s-31s: timer lag 340 ms"] } });
  });

  it("treats a crashed checker or k6 dying as unknown, which fails the gate unless the SLO file allows it", () => {
    const crashed = scenario({ checks: [{ name: "privacy", status: "unknown", details: { error: { message: "boom" } } }] });
    const v = verdictOf([crashed]);
    expect([v.status, v.gate, exitCodeForVerdict(v)]).toEqual(["unknown", "fail", 1]);
    expect(verdictOf([scenario({ k6ExitCode: 107 })]).judgements.find((j) => j.source === "k6-thresholds")).toMatchObject({ status: "unknown", details: { reason: "k6 exited with 107, not a threshold verdict" } });
    expect(verdictOf([crashed], slo({ unknown: "pass", objectives: [] })).gate).toBe("pass");
    const waived = verdictOf([crashed], slo({ allowUnknown: [{ judgement: "privacy", scenario: "steady", reason: "no proxy traffic" }], objectives: [] }));
    expect([waived.status, waived.gate]).toEqual(["unknown", "pass"]);
    expect(verdictOf([crashed], slo({ allowUnknown: [{ judgement: "k6 thresholds", reason: "x" }], objectives: [] })).gate).toBe("fail");
    // a fail is never waived
    expect(verdictOf([scenario({}, 1)], slo({ unknown: "pass", objectives: [] })).gate).toBe("fail");
  });

  it("holds SLO objectives to their limits in their units, per phase and per fault window", () => {
    const v = verdictOf([scenario()], slo({ objectives: [
      { figure: "latency.p99", op: "<=", value: 0.1, unit: "s", phase: "steady" },
      { figure: "latency.p99", op: "<=", value: 50, unit: "ms" },
      { name: "ttr", figure: "recovery.ttr", op: "<=", value: 5, unit: "s", fault: "relay-crash" },
      { figure: "messages.deliveredRate", op: ">=", value: 99.9, unit: "%", fault: "relay-crash", window: "after" },
      { figure: "failover.p95", op: "<=", value: 10, unit: "s", fault: "relay-crash" },
      { figure: "recovery.ttr", op: "<=", value: 5, unit: "s", fault: "blackhole" },
    ] }));
    const objectives = v.judgements.filter((j) => j.source === "objective").map((j) => [j.name, j.status, j.measured, j.limit]);
    expect(objectives).toEqual([
      ["latency.p99 <= 0.1 s in phase steady [steady]", "pass", "60 ms", "<= 100 ms"],
      ["latency.p99 <= 50 ms [steady]", "fail", "80 ms", "<= 50 ms"],
      ["ttr [steady, relay-crash #0]", "pass", "4200 ms", "<= 5000 ms"],
      ["messages.deliveredRate >= 99.9 % during relay-crash (after heal) [steady, relay-crash #0]", "pass", "100%", ">= 99.9%"],
      ["failover.p95 <= 10 s during relay-crash [steady, relay-crash #0]", "unknown", null, "<= 10000 ms"],
      ["recovery.ttr <= 5 s during blackhole", "unknown", null, null],
    ]);
    expect(v.gate).toBe("fail");
  });

  it("compares relative objectives with a baseline run, and is unknown without one", () => {
    const objectives = [{ figure: "latency.p99", maxRegression: "10%" }, { figure: "messages.deliveredRate", maxRegression: "1%" }];
    const base = scenario({ figures: { ...scenario().figures, deliveryLatencyMs: pct(10, 40, 70) } });
    const v = verdictOf([scenario()], slo({ objectives }), [base]);
    expect(v.judgements.filter((j) => j.source === "objective").map((j) => [j.status, j.measured, j.limit])).toEqual([
      ["fail", "80 ms", "<= 77 ms (baseline 70 ms + 10%)"],
      ["pass", "100%", ">= 99% (baseline 100% - 1%)"],
    ]);
    expect(verdictOf([scenario()], slo({ objectives })).judgements.find((j) => j.source === "objective")).toMatchObject({ status: "unknown", details: { reason: "relative objective and no --baseline given" } });
    const other = verdictOf([scenario()], slo({ objectives }), [{ ...base, name: "restart" }]);
    expect(other.judgements.find((j) => j.source === "objective")).toMatchObject({ status: "unknown", details: { reason: "baseline: scenario not in the baseline run" } });
    // a baseline summary without the figures (older or partial) is unknown, never a crash or a pass
    const partial = verdictOf([scenario()], slo({ objectives }), [{ name: "steady" } as JudgedScenario]);
    expect(partial.judgements.find((j) => j.source === "objective")).toMatchObject({ status: "unknown", details: { reason: expect.stringMatching(/^could not read latency.p99: /) } });
  });

  it("judges every objective once, itself; only those marked abortOnFail also become k6 thresholds that stop the run, in k6's units", () => {
    const loaded = slo({ objectives: [
      { figure: "latency.p99", op: "<=", value: 0.5, unit: "s", abortOnFail: true },
      { figure: "latency.p50", op: "<", value: 40, unit: "ms", scenario: "steady", abortOnFail: true },
      { figure: "latency.max", op: "<=", value: 9, unit: "s", scenario: "outage", abortOnFail: true },
      { figure: "latency.p95", op: "<=", value: 1, unit: "s" },
      { figure: "messages.decryptFailures", op: "==", value: 0, abortOnFail: true },
      { figure: "messages.lostAfterAck", op: "==", value: 0 },
    ] }, ["steady", "outage"]);
    const { objectives } = loaded;
    const abort = (threshold: string) => ({ threshold, abortOnFail: true, delayAbortEval: "10s" });
    expect(k6ThresholdsFor(objectives, "steady", "steady")).toEqual({ delivery_latency: [abort("p(99)<=500"), abort("p(50)<40")], decrypt_failures: [abort("count==0")] });
    expect(k6ThresholdsFor(objectives, "other", "restart")).toEqual({ delivery_latency: [abort("p(99)<=500")], decrypt_failures: [abort("count==0")] });
    // the harness judges every objective itself, whatever k6 does (one for a scenario the run did not have is unknown)
    expect(verdictOf([scenario()], loaded).judgements.filter((j) => j.source === "objective").map((j) => j.name)).toEqual([
      "latency.p99 <= 0.5 s [steady]", "latency.p50 < 40 ms", "latency.max <= 9 s", "latency.p95 <= 1 s [steady]", "messages.decryptFailures == 0 [steady]", "messages.lostAfterAck == 0 [steady]",
    ]);
    // abortOnFail where k6 cannot act during the run is refused
    for (const bad of [{ figure: "messages.lostAfterAck", op: "==", value: 0, abortOnFail: true }, { figure: "latency.p95", op: "<=", value: 1, unit: "s", phase: "steady", abortOnFail: true }, { figure: "latency.p99", maxRegression: "10%", abortOnFail: true }]) {
      expect(() => slo({ objectives: [bad] })).toThrow(/abortOnFail needs a figure k6 measures during the run, over the whole run, with op and value; allowed figures: latency.p50, latency.p95, latency.p99, latency.max, messages.decryptFailures/);
    }
  });

  it("writes verdict.json, a JUnit file that validates against the Jenkins/Surefire schema, and the Markdown step summary", async (ctx) => {
    const xmllint = await requireCommand("xmllint", "libxml2-utils", ctx);
    const runDir = mkdtempSync(join(tmpdir(), "verdict-run-"));
    const stepSummary = join(runDir, "step-summary.md");
    writeFileSync(stepSummary, "earlier step\n");
    const v = verdictOf([scenario({}, 2), { ...scenario(), name: "crash & <burn>", checks: [{ name: "privacy", status: "unknown", details: { error: { message: "boom" } } }] }], slo({ objectives: [{ figure: "latency.p99", op: "<=", value: 50, unit: "ms" }] }));
    const files = writeVerdict(runDir, v, { GITHUB_STEP_SUMMARY: stepSummary });
    expect(JSON.parse(readFileSync(files.verdict, "utf8"))).toMatchObject({ gate: "fail", status: "fail", counts: { fail: 3, unknown: 1 } });
    const xml = readFileSync(files.junit, "utf8");
    execFileSync(xmllint, ["--noout", "--schema", "test/fixtures/junit-jenkins.xsd", files.junit], { stdio: "pipe" });
    expect(xml).toMatch(/<testcase name="latency.p99 &lt;= 50 ms \[steady\]"[^>]*>\s*<failure message="measured: 80 ms; limit: &lt;= 50 ms; report: [^"]+"/);
    expect(xml).toMatch(/<testcase name="privacy" classname="e2ee-chaos.crash &amp; &lt;burn&gt;.check"[^>]*>\s*<error message="unknown: measured: nothing measured/);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(v.judgements.length);
    // a schema violation is caught: the validator is really checking
    writeFileSync(join(runDir, "bad.xml"), xml.replace("<testcase ", "<testcase><bogus/></testcase><testcase "));
    expect(() => execFileSync(xmllint, ["--noout", "--schema", "test/fixtures/junit-jenkins.xsd", join(runDir, "bad.xml")], { stdio: "pipe" })).toThrow();
    const summary = readFileSync(stepSummary, "utf8");
    expect(summary.startsWith("earlier step\n## e2ee-chaos r1: gate FAILED")).toBe(true);
    expect(summary).toContain("| **FAIL** | steady | no acknowledged message lost | 2 lost of 100 acknowledged | == 0 |");
  });
});
