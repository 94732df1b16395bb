// The server under test is named in every output of a run: summary.json (run and scenario),
// verdict.json, verdict.md, junit.xml and the HTML page.
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeRunReport } from "../../harness/report/html/write-reports.ts";
import { writeRunSummary, SUMMARY_SCHEMA_VERSION, type RunSummary } from "../../harness/report/run-summary.ts";
import { writeVerdict } from "../../harness/report/verdict/write-verdict.ts";
import type { ScenarioResult } from "../../harness/run/run-scenario.ts";
import type { JudgedScenario } from "../../harness/verdict/judged-scenario.ts";
import { runVerdict } from "../../harness/verdict/run-verdict.ts";

const PROSODY = { name: "prosody" as const, version: "0.12.3-1+deb12u1" };
const EJABBERD = { name: "ejabberd" as const, version: "23.01-1" };
const pct = { count: 10, p50: 10, p95: 20, p99: 30, max: 40 };

function scenario(name: string, target: JudgedScenario["target"]): JudgedScenario {
  return {
    name, scenario: "steady", status: "completed", k6ExitCode: 0, ...(target ? { target } : {}),
    figures: { messages: { sent: 10, acked: 10, delivered: 10, lostAfterAck: 0, neverAcked: 0, duplicates: 0, decryptFailures: 0, rejected: 0 }, deliveryLatencyMs: pct, windows: [], phases: [] },
    generator: { measured: true, note: null, inMeasuredWindow: false, spans: [] },
    checks: [{ name: "privacy", status: "pass", details: {} }],
  };
}

describe("the target in the verdict", () => {
  it("names the run's one target and each scenario's in verdict.json, junit.xml and verdict.md", () => {
    const dir = mkdtempSync(join(tmpdir(), "target-verdict-"));
    const verdict = runVerdict({ runId: "r1", scenarios: [scenario("steady", PROSODY)], interrupted: false, slo: null, baseline: null, target: PROSODY });
    expect(verdict.target).toEqual(PROSODY);
    expect(verdict.targets).toEqual({ steady: PROSODY });
    const files = writeVerdict(dir, verdict, {});
    expect(JSON.parse(readFileSync(files.verdict, "utf8"))).toMatchObject({ target: PROSODY, targets: { steady: PROSODY } });
    const junit = readFileSync(files.junit, "utf8");
    expect(junit).toContain('<property name="target" value="prosody"/>');
    expect(junit).toContain('<property name="targetVersion" value="0.12.3-1+deb12u1"/>');
    expect(readFileSync(files.markdown, "utf8")).toContain("target `prosody 0.12.3-1+deb12u1`");
  });

  it("gives each scenario its own target where they differ, and the planned one when none ran", () => {
    const mixed = runVerdict({ runId: "r2", scenarios: [scenario("a", PROSODY), scenario("b", EJABBERD)], interrupted: false, slo: null, baseline: null });
    expect(mixed.target).toBeNull();
    expect(mixed.targets).toEqual({ a: PROSODY, b: EJABBERD });
    const dir = mkdtempSync(join(tmpdir(), "target-verdict-"));
    const files = writeVerdict(dir, mixed, {});
    const junit = readFileSync(files.junit, "utf8");
    expect(junit).toMatch(/testsuite name="r2\/a"[\s\S]*?<property name="target" value="prosody"\/>[\s\S]*?testsuite name="r2\/b"[\s\S]*?<property name="target" value="ejabberd"\/>/);
    expect(readFileSync(files.markdown, "utf8")).toContain("targets a: `prosody 0.12.3-1+deb12u1`, b: `ejabberd 23.01-1`");

    const failed = runVerdict({ runId: "r3", scenarios: [], interrupted: false, runError: "target prosody cannot run in the containers environment", slo: null, baseline: null, target: { name: "prosody", version: null } });
    expect(failed.target).toEqual({ name: "prosody", version: null });
    expect(readFileSync(writeVerdict(dir, failed, {}).junit, "utf8")).toContain('<property name="targetVersion" value="not started"/>');
  });

  it("leaves runs written before targets existed without one", () => {
    const old = runVerdict({ runId: "r4", scenarios: [scenario("steady", undefined)], interrupted: false, slo: null, baseline: null });
    expect([old.target, old.targets]).toEqual([null, {}]);
  });
});

describe("the target in summary.json and on the HTML page", () => {
  it("writes the run's and each scenario's target, and the page shows them in its header and headings", async () => {
    const runDir = mkdtempSync(join(tmpdir(), "target-page-"));
    mkdirSync(join(runDir, "steady"));
    const result = { ...scenario("steady", PROSODY), target: PROSODY, load: { seed: 1, users: 10 }, startedAt: Date.now() - 5000, endedAt: Date.now(), timeline: [], faults: [] } as unknown as ScenarioResult;
    const summary: RunSummary = {
      schemaVersion: SUMMARY_SCHEMA_VERSION, runId: "r5", status: "completed", startedAt: new Date().toISOString(), endedAt: new Date().toISOString(),
      suite: { name: "xmpp", source: "fixtures/suites/xmpp.json", description: "" }, command: ["--target", "prosody"],
      environment: { kind: "local", reason: "auto", versions: { target: "prosody", prosody: PROSODY.version } }, target: PROSODY, scenarios: [result],
    };
    writeRunSummary(runDir, summary);
    const written = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")) as RunSummary;
    expect(written.target).toEqual(PROSODY);
    expect(written.scenarios[0].target).toEqual(PROSODY);
    const page = readFileSync((await writeRunReport(runDir))!, "utf8");
    expect(page).toContain('<p id="target">Server under test: <strong>prosody 0.12.3-1+deb12u1</strong></p>');
    expect(page).toContain("(steady, completed, target prosody 0.12.3-1+deb12u1)");
  });
});
