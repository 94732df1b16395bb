// The gate from real runs (real relay, Toxiproxy and k6, local environment, about 15 s of k6 each):
// a passing run exits 0; the same run held to an impossibly tight objective, compared with the first
// as its baseline, exits 1 and its JUnit case says so with the measured value; a run whose volunteer
// proxy path carried a plaintext canary exits 1 and says where the canary was found.
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { summaryIssues } from "../../harness/report/summary/summary-issues.ts";
import { formatFigure } from "../../harness/verdict/format-figure.ts";
import { expectPageShowsVerdict } from "../support/page-verdict.ts";
import { requireCommand, requireTool } from "../support/require-tool.ts";

const dir = mkdtempSync(join(tmpdir(), "gate-"));
const reports = join(dir, "reports");
const tag = Math.random().toString(36).slice(2, 8);

function write(name: string, content: object): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const suite = (name: string) => write(`${name}.json`, {
  name: `${name}-${tag}`,
  scenarios: [{ name: "steady", scenario: "steady", users: 20, rate: 10, warmup: "4s", duration: "8s", drain: "5s" }],
});
const noProxyTraffic = [{ judgement: "privacy", reason: "steady traffic stays on the direct paths" }];

interface Run { code: number | null; out: string; err: string; runDir: string }

function chaos(args: string[], during?: (runId: string) => Promise<void>): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", ...args, "--env", "local", "--reports", reports], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let hooked = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d;
      const started = /^run (\S+): suite/m.exec(out);
      // the scenario's k6 is running once its first progress line shows users online
      if (during && started && !hooked && /\| users [1-9]\d*\/\d+/.test(out)) {
        hooked = true;
        during(started[1]).catch(fail);
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", fail);
    child.on("close", (code) => {
      const runId = /^run (\S+): suite/m.exec(out)?.[1] ?? "";
      done({ code, out, err, runDir: join(reports, runId) });
    });
  });
}

const verdictOf = (run: Run) => JSON.parse(readFileSync(join(run.runDir, "verdict.json"), "utf8")) as { gate: string; judgements: { name: string; status: string; measured: string | null; limit: string | null; details: Record<string, unknown> }[] };

/** The run's summary.json, which must match its schema (reports/summary.schema.json): every mismatch is printed with its path. */
function summaryOf(run: Run): RunSummary {
  const summary: unknown = JSON.parse(readFileSync(join(run.runDir, "summary.json"), "utf8"));
  expect(summaryIssues(summary), `${run.runDir}/summary.json does not match the summary schema`).toEqual([]);
  return summary as RunSummary;
}

const k6Thresholds = (run: Run) => (JSON.parse(readFileSync(join(run.runDir, "steady", "k6-summary.json"), "utf8")) as { metrics: Record<string, { thresholds?: object }> }).metrics.delivery_latency.thresholds;

/** The tapped proxy-1 address of the running k6 (from its command line: -e ENDPOINTS=...). */
function proxyUrlOf(runId: string): string {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (!args.includes(`RUN_ID=${runId}`)) continue;
    const endpoints = args.find((a) => a.startsWith("ENDPOINTS="));
    const proxy = endpoints?.slice("ENDPOINTS=".length).split(",").find((e) => e.startsWith("proxy-1="));
    if (proxy) return proxy.slice("proxy-1=".length);
  }
  throw new Error(`no k6 process of run ${runId} found`);
}

/** A client that forgets to encrypt: one frame with a canary in clear text, through the volunteer proxy. */
function leakCanary(url: string, canary: string): Promise<void> {
  return new Promise((done, fail) => {
    const ws = new WebSocket(url);
    ws.on("open", () => ws.send(JSON.stringify({ type: "send", id: "leak-1", to: "nobody", body: canary }), (e) => (e ? fail(e) : setTimeout(() => { ws.close(); done(); }, 500))));
    ws.on("error", fail);
  });
}

describe("the exit code is the gate, from real runs", () => {
  let passing: Run;

  it("exits 0 when every objective and check passed, with a valid JUnit file", async (ctx) => {
    await requireTool("k6", ctx);
    await requireTool("toxiproxy-server", ctx);
    const xmllint = await requireCommand("xmllint", "libxml2-utils", ctx);
    const slo = write("loose-slo.json", { allowUnknown: noProxyTraffic, objectives: [
      { figure: "latency.p99", op: "<=", value: 10, unit: "s", phase: "steady" },
      { figure: "messages.deliveredRate", op: ">=", value: 99, unit: "%" },
      { figure: "latency.p99", op: "<=", value: 10, unit: "s" },
    ] });
    passing = await chaos(["--suite", suite("pass"), "--slo", slo]);
    summaryOf(passing);
    const verdict = verdictOf(passing);
    expect({ code: passing.code, failed: verdict.judgements.filter((j) => j.status !== "pass" && j.details.unknownAllowed === undefined) }).toEqual({ code: 0, failed: [] });
    expect(verdict.gate).toBe("pass");
    expect(passing.out).toMatch(/verdict: (pass|unknown) \(\d+ passed, 0 failed, [01] unknown\) -> gate pass/);
    execFileSync(xmllint, ["--noout", "--schema", "test/fixtures/junit-jenkins.xsd", join(passing.runDir, "junit.xml")], { stdio: "pipe" });
    // the objectives were judged once, by the harness: k6 held only the scenario's own threshold
    expect(k6Thresholds(passing)).toEqual({ "p(99)<15000": { ok: true } });
  }, 150_000);

  it("exits 1 for an impossibly tight objective, and compares with the first run as baseline", async (ctx) => {
    await requireTool("k6", ctx);
    if (!passing) throw new Error("the passing run above did not run");
    const slo = write("tight-slo.json", { allowUnknown: noProxyTraffic, objectives: [
      { name: "p50 under a microsecond", figure: "latency.p50", op: "<=", value: 0.001, unit: "ms", abortOnFail: true },
      { name: "delivered no worse than baseline", figure: "messages.deliveredRate", maxRegression: "5%" },
    ] });
    const run = await chaos(["--suite", suite("tight"), "--slo", slo, "--baseline", passing.runDir]);
    expect(run.code).toBe(1);
    // marked abortOnFail, the objective was k6's threshold too: k6 failed it (exit code 99), and the verdict says so
    expect(k6Thresholds(run)).toMatchObject({ "p(50)<=0.001": { ok: false } });
    expect(verdictOf(run).judgements.find((j) => j.name === "k6 thresholds")).toMatchObject({ status: "fail", measured: "k6 exit code 99" });
    const p50 = summaryOf(run).scenarios[0].figures.deliveryLatencyMs.p50;
    if (p50 === null) throw new Error("the tight run delivered no message: it has no p50 to judge");
    const shown = formatFigure(p50, "ms");
    expect(shown).toMatch(/^[\d.]+ ms$/);
    const verdict = verdictOf(run);
    expect(verdict.judgements.find((j) => j.name === "p50 under a microsecond [steady]")).toMatchObject({ status: "fail", measured: `${shown}`, limit: "<= 0.001 ms" });
    const relative = verdict.judgements.find((j) => j.name === "delivered no worse than baseline [steady]")!;
    expect(relative.status).toBe("pass");
    expect(relative.limit).toMatch(/^>= [\d.]+% \(baseline [\d.]+% - 5%\)$/);
    const junit = readFileSync(join(run.runDir, "junit.xml"), "utf8");
    expect(junit).toContain(`<testcase name="p50 under a microsecond [steady]" classname="e2ee-chaos.steady.objective" time="0">\n      <failure message="measured: ${shown}; limit: &lt;= 0.001 ms; report: ${run.runDir}"`);
    expect(run.out).toContain(`FAIL    [steady] p50 under a microsecond [steady]: measured ${shown}, limit <= 0.001 ms`);
    // the page shows the gate's verdict (an objective and k6's exit code 99), row for row
    expect(expectPageShowsVerdict(run.runDir).status).toBe("fail");
  }, 150_000);

  it("exits 1 when the relay loses acknowledged messages, and names them", async (ctx) => {
    await requireTool("k6", ctx);
    const lossy = write("lossy.json", {
      name: `lossy-${tag}`,
      scenarios: [{ name: "steady", scenario: "steady", users: 20, rate: 10, warmup: "4s", duration: "8s", drain: "5s", relay: { RELAY_TEST_FAULTS: "1", RELAY_FAULT_MODE: "drop:15" } }],
    });
    const run = await chaos(["--suite", lossy, "--slo", write("lossy-slo.json", { allowUnknown: noProxyTraffic, objectives: [] })]);
    expect(run.code).toBe(1);
    const verdict = verdictOf(run);
    const { lostAfterAck, acked } = summaryOf(run).scenarios[0].figures.messages;
    expect(lostAfterAck).toBeGreaterThan(0);
    expect(verdict.judgements.find((j) => j.name === "no acknowledged message lost")).toMatchObject({ status: "fail", measured: `${lostAfterAck} lost of ${acked} acknowledged` });
    const lost = verdict.judgements.find((j) => j.name === "lost")!;
    expect(lost.status).toBe("fail");
    const ids = (lost.details.ids as { id: string }[]).map((x) => x.id);
    expect(ids.length).toBe(lostAfterAck);
    expect(lost.measured).toContain(`${ids.length} of `);
    expect(lost.measured).toContain(ids[0]);
    expect(run.out).toContain(`FAIL    [steady] lost: measured ${lost.measured}`);
    // the result table says what the relay's own journal says of them: the drop mode stored them and never delivered them
    expect(run.out).toMatch(new RegExp(`steady lost: FAIL ${ids.length} of \\d+ \\(${ids.length} none\\); the relay's journal says ${ids.length} "stored, never delivered": ${ids[0]}`));
    expect(readFileSync(join(run.runDir, "junit.xml"), "utf8")).toContain(`&quot;id&quot;:&quot;${ids[0]}&quot;`);
    expect(expectPageShowsVerdict(run.runDir).status).toBe("fail");
  }, 150_000);

  it("exits 1 when a volunteer proxy carried a plaintext canary, and says where it was found", async (ctx) => {
    await requireTool("k6", ctx);
    let leaked = "";
    const run = await chaos(["--suite", suite("leak"), "--slo", write("leak-slo.json", { objectives: [{ figure: "privacy.canariesFound", op: "==", value: 0 }] })], async (runId) => {
      leaked = `CANARY-${runId}-leak-1`;
      await leakCanary(proxyUrlOf(runId), leaked);
    });
    expect(leaked).not.toBe("");
    expect(run.code).toBe(1);
    summaryOf(run);
    const verdict = verdictOf(run);
    const privacy = verdict.judgements.find((j) => j.name === "privacy")!;
    expect(privacy.status).toBe("fail");
    expect(privacy.details.findings).toEqual(expect.arrayContaining([expect.objectContaining({ source: "proxy-1", direction: "client-to-server", found: "canary", canary: leaked })]));
    const found = (privacy.details.findings as unknown[]).length;
    expect(privacy.measured).toMatch(new RegExp(`^${found} finding\\(s\\) in proxy-1: \\d+ messages, proxy-2: \\d+ messages, \\d+ stored file\\(s\\) of the server \\(\\d+ bytes\\)$`));
    expect(verdict.judgements.find((j) => j.name.startsWith("privacy.canariesFound == 0"))).toMatchObject({ status: "fail", measured: String(found) });
    expect(run.out).toMatch(new RegExp(`FAIL    \\[steady\\] privacy: measured ${found} finding\\(s\\) in proxy-1: .*, limit 0 findings`));
    expect(expectPageShowsVerdict(run.runDir).status).toBe("fail");
  }, 150_000);
});
