// One short real run (k6, Toxiproxy, relay; local) serves two CLI claims of the README:
// `--k6-raw-metrics` keeps k6's raw metric points in the scenario folder, and `report --all`
// rebuilds every run's page under --reports, then the history.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../support/require-tool.ts";
import { readRunFile, runChaos, type ChaosRun } from "../support/run-chaos.ts";

describe("a short run with --k6-raw-metrics, then report --all", () => {
  const reports = mkdtempSync(join(tmpdir(), "raw-metrics-"));
  let run: ChaosRun;

  beforeAll(async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    const suite = join(reports, "short.json");
    writeFileSync(suite, JSON.stringify({ name: "short", scenarios: [{ scenario: "steady", users: 10, rate: 5, warmup: "2s", duration: "3s", drain: "2s" }] }));
    run = await runChaos(["--suite", suite, "--env", "local", "--k6-raw-metrics", "--reports", reports]);
    // the gate may say unknown (no proxy carried traffic for the privacy check): the run itself must complete
    expect(readRunFile<{ status: string }>(run, "summary.json").status, `${run.out}\n${run.err}`).toBe("completed");
  }, 120_000);

  it("--k6-raw-metrics: the scenario folder holds k6's metric points (k6 --out json)", () => {
    const file = join(run.runDir!, "steady", "k6-metrics.jsonl");
    expect(existsSync(file), file).toBe(true);
    const points = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; metric: string; data: { value: number } });
    const metrics = new Set(points.filter((p) => p.type === "Point").map((p) => p.metric));
    expect([...metrics], "k6's own metrics").toEqual(expect.arrayContaining(["vus", "data_sent"]));
  });

  it("report --all: rebuilds the page of every run under --reports, then the history", async () => {
    const copy = join(reports, "copy-of-run");
    cpSync(run.runDir!, copy, { recursive: true });
    for (const dir of [run.runDir!, copy]) rmSync(join(dir, "index.html"), { force: true });
    rmSync(join(reports, "index.html"), { force: true });
    const report = await runChaos(["report", "--all", "--reports", reports]);
    expect(report.code, `${report.out}\n${report.err}`).toBe(0);
    for (const dir of [run.runDir!, copy]) expect(existsSync(join(dir, "index.html")), `${dir}/index.html`).toBe(true);
    expect(report.out).toMatch(/^copy-of-run: .*index\.html \(\d+ ms\)$/m);
    expect(report.out).toContain(`history: ${join(reports, "index.html")}`);
    // without --all only the history is rebuilt
    rmSync(join(copy, "index.html"));
    const history = await runChaos(["report", "--reports", reports]);
    expect(history.code).toBe(0);
    expect(existsSync(join(copy, "index.html"))).toBe(false);
  });
});
