// Opens a real run's HTML report and the history page in headless Chromium: no console error,
// every chart drew, a shaded band per fault on every chart, the verdict table as summary.json
// says; screenshots go into the run folder. The data comes from one short real run (k6, Toxiproxy,
// the relay), plus two older run folders made from it (one stripped of figures old runs lack).
import { spawnSync } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it, type TestContext } from "vitest";
import { CHART_SPECS } from "../../harness/report/html/chart-specs.ts";
import type { SummaryInput } from "../../harness/report/html/report-input.ts";
import { summaryIssues } from "../../harness/report/summary/summary-issues.ts";
import { launchChromium, requireChromium } from "../support/require-chromium.ts";
import { requireTool } from "../support/require-tool.ts";

const cli = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", ...args], { encoding: "utf8", timeout: 100_000 });
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

let made: Promise<{ reports: string; runId: string; older: string[] }> | null = null;

/** One real run, then two older folders derived from it; all pages rebuilt with `report`. */
function realRuns(): Promise<{ reports: string; runId: string; older: string[] }> {
  return (made ??= (async () => {
    const reports = mkdtempSync(join(tmpdir(), "html-report-"));
    const suite = join(reports, "..", `${reports.split("/").pop()}-suite.json`);
    const slo = join(reports, "..", `${reports.split("/").pop()}-slo.json`);
    writeFileSync(slo, JSON.stringify({
      description: "Two objectives, so that the history page has objective trends.",
      objectives: [
        { name: "delivery p99 <= 30 s", scenario: "steady", figure: "latency.p99", op: "<=", value: 30, unit: "s" },
        { name: "recovers within 60 s of the crash", scenario: "steady", fault: "relay-crash", figure: "recovery.ttr", op: "<=", value: 60, unit: "s" },
      ],
    }));
    writeFileSync(suite, JSON.stringify({
      name: "html-report", slo,
      description: "A short real run for the HTML report test: steady traffic, a latency spike, a relay crash.",
      scenarios: [{
        scenario: "steady", users: 30, rate: 10, warmup: "3s", duration: "14s", drain: "3s",
        timeline: [
          { at: "5s", for: "3s", target: "all-paths", direction: "downstream", fault: { kind: "latency", latencyMs: 200 } },
          { at: "10s", for: "2s", target: "relay", fault: { kind: "relay-crash" } },
        ],
      }],
    }));
    const run = cli(["--suite", suite, "--env", "local", "--reports", reports]);
    const latest = join(reports, "latest", "summary.json");
    const runId = existsSync(latest) ? (readJson<SummaryInput>(latest).runId ?? "") : "";
    expect(runId, `chaos run wrote no summary:\n${run.stdout}\n${run.stderr}`).not.toBe("");
    expect(existsSync(join(reports, runId, "index.html")), `the run did not write its page:\n${run.stdout}`).toBe(true);
    const older: string[] = [];
    for (const [days, strip] of [[1, false], [2, true]] as const) {
      const id = `2026010${days}-000000-html-report`;
      cpSync(join(reports, runId), join(reports, id), { recursive: true });
      rmSync(join(reports, id, "index.html"), { force: true });
      rmSync(join(reports, id, "verdict.json"), { force: true });
      const s = readJson<SummaryInput & Record<string, unknown>>(join(reports, id, "summary.json"));
      s.runId = id;
      s.startedAt = new Date(Date.parse(s.startedAt!) - days * 86_400_000).toISOString();
      if (strip) for (const sc of s.scenarios ?? []) {
        // what a run written before the saturation guard and the checkers looks like
        delete sc.generator;
        delete sc.checks;
        if (sc.figures) delete sc.figures.windows;
        rmSync(join(reports, id, sc.name, "generator.jsonl"), { force: true });
      }
      writeFileSync(join(reports, id, "summary.json"), JSON.stringify(s));
      const rebuilt = cli(["report", id, "--reports", reports]);
      expect(rebuilt.status, rebuilt.stderr).toBe(0);
      older.push(id);
    }
    const history = cli(["report", "--reports", reports]);
    expect(history.status, history.stderr).toBe(0);
    return { reports, runId, older };
  })());
}

async function openPage(ctx: TestContext, file: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const browser = await launchChromium(ctx);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => { if (!r.url().startsWith("file:")) errors.push(`network request: ${r.url()}`); });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.documentElement.dataset.chartsDrawn !== undefined, null, { timeout: 10_000 });
  return { page, errors, close: () => browser.close() };
}

/** For every .chart: the number of canvas pixels that are not transparent. */
const drawnPixels = (page: Page) => page.$$eval(".chart", (charts) => charts.map((chart) => {
  const canvas = chart.querySelector("canvas");
  if (!canvas || canvas.width === 0) return 0;
  const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
  return n;
}));

describe("the HTML reports in a real browser", () => {
  it("a real run's page: no console error, every chart drawn, every fault shaded, the verdict as verdict.json says", async (ctx) => {
    requireChromium(ctx);
    await requireTool("k6", ctx);
    await requireTool("toxiproxy-server", ctx);
    const { reports, runId, older } = await realRuns();
    // the real run's summary.json as written matches its schema (the older ones are stripped on purpose)
    expect(summaryIssues(readJson<unknown>(join(reports, runId, "summary.json"))), `${runId}: summary.json against reports/summary.schema.json`).toEqual([]);
    for (const id of [runId, ...older]) {
      const dir = join(reports, id);
      const summary = readJson<SummaryInput>(join(dir, "summary.json"));
      const { page, errors, close } = await openPage(ctx, join(dir, "index.html"));
      try {
        expect(errors, `${id}: console errors`).toEqual([]);
        const scenarios = summary.scenarios ?? [];
        const restartCharts = scenarios.some((s) => (s.figures?.windows ?? []).some((w) => w.kind === "relay-crash")) ? 1 : 0;
        const pixels = await drawnPixels(page);
        expect(pixels.length, `${id}: charts`).toBe(scenarios.length * CHART_SPECS.length + restartCharts);
        for (const [i, n] of pixels.entries()) expect(n, `${id}: chart ${i} is empty`).toBeGreaterThan(500);
        for (const [si, s] of scenarios.entries()) {
          expect(s.timeline?.length, "the run's timeline has faults").toBeGreaterThan(0);
          for (const spec of CHART_SPECS) {
            const shaded = await page.$$eval(`#chart-${si}-${spec.id} .fault-band`, (bands) => bands.map((b) => (b as HTMLElement).dataset.fault));
            expect(shaded.sort(), `${id}: fault bands on ${spec.id}`).toEqual((s.timeline ?? []).map((e) => String(e.index)).sort());
          }
        }
        // the verdict shown is verdict.json's, row for row, and the banner its status; a run without
        // verdict.json shows none (the page never judges)
        const table = await page.$$eval("#verdict-table tbody tr", (rows) => rows.map((r) => Array.from(r.querySelectorAll("td"), (td) => td.textContent ?? "")));
        const recorded = join(dir, "verdict.json");
        const banner = await page.textContent("#overall-verdict");
        if (existsSync(recorded)) {
          const verdict = readJson<{ status: string; judgements: { scenario: string; source: string; name: string; status: string; measured: string | null; limit: string | null; details: { count?: number } }[] }>(recorded);
          // a checker that passed while flagging messages only reports them: shown with its count
          const shownStatus = (j: (typeof verdict.judgements)[number]) => (j.status === "pass" && (j.details.count ?? 0) > 0 ? `reported (${j.details.count})` : j.status);
          expect(table).toEqual(verdict.judgements.map((j) => [j.scenario, j.source, j.name, shownStatus(j), j.measured ?? "", j.limit ?? ""]));
          expect(banner).toBe(verdict.status);
          for (const s of scenarios) expect(table.find((r) => r[0] === s.name && r[2] === "no acknowledged message lost")?.[4]).toBe(`${s.figures!.messages!.lostAfterAck} lost of ${s.figures!.messages!.acked} acknowledged`);
        } else {
          expect(table).toEqual([]);
          expect(await page.textContent("#no-verdict")).toContain("This run wrote no verdict.json");
          expect(banner).toBe("unknown");
        }
        expect(await page.textContent("#command")).toContain("npm run chaos");
        // the per-second series embedded in the page add up to the run's own figures
        const model = JSON.parse((await page.textContent("#report-data")) ?? "{}") as { scenarios: { series: Record<string, (number | null)[]> }[] };
        const total = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
        for (const [si, s] of scenarios.entries()) {
          const series = model.scenarios[si].series;
          expect(total(series.sent), `${id}: messages sent per second add up`).toBe(s.figures!.messages!.sent);
          expect(total(series.delivered), `${id}: messages delivered per second add up`).toBe(s.figures!.messages!.delivered);
          expect(Math.max(...series.connected.map((v) => v ?? 0)), `${id}: never more users connected than there are`).toBeLessThanOrEqual(s.load!.users!);
        }
        await page.screenshot({ path: join(dir, "report.png"), fullPage: true });
        if (id === runId) {
          // dark: the page follows prefers-color-scheme; print: tables behind the charts hidden, charts kept
          const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          const light = await background();
          await page.emulateMedia({ colorScheme: "dark" });
          expect(await background()).not.toBe(light);
          await page.screenshot({ path: join(dir, "report-dark.png") });
          await page.emulateMedia({ media: "print", colorScheme: "light" });
          expect(await page.$eval("details.table-alt", (d) => getComputedStyle(d).display)).toBe("none");
          expect((await drawnPixels(page)).every((n) => n > 500)).toBe(true);
          await page.pdf({ path: join(dir, "report.pdf") });
          expect(statSync(join(dir, "report.pdf")).size).toBeGreaterThan(10_000);
        }
      } finally {
        await close();
      }
    }
  }, 150_000);

  it("the history page over three runs: newest first, every trend chart drawn, no console error", async (ctx) => {
    requireChromium(ctx);
    await requireTool("k6", ctx);
    const { reports, runId, older } = await realRuns();
    const { page, errors, close } = await openPage(ctx, join(reports, "index.html"));
    try {
      expect(errors).toEqual([]);
      const ids = await page.$$eval("#history-table tbody tr", (rows) => rows.map((r) => (r as HTMLElement).dataset.run));
      expect(ids).toEqual([runId, ...older]);
      const verdicts = await page.$$eval("#history-table tbody tr td.status", (cells) => cells.map((c) => c.textContent));
      // verdict.json's status; unknown for the older folders, which have none
      const recorded = join(reports, runId, "verdict.json");
      expect(verdicts).toEqual([readJson<{ status: string }>(recorded).status, "unknown", "unknown"]);
      const pixels = await drawnPixels(page);
      // one trend per SLO objective the real run measured (an objective with nothing measured is unknown: no value to draw)
      const judged = existsSync(recorded) ? (readJson<{ judgements: { source: string; scenario: string; name: string; details?: { value?: unknown } }[] }>(recorded).judgements) : [];
      const measured = judged.filter((j) => j.source === "objective" && typeof j.details?.value === "number").map((j) => `${j.scenario}: ${j.name}`);
      expect(existsSync(recorded), "the real run wrote verdict.json").toBe(true);
      expect(measured.length, "the run measured its p99 objective").toBeGreaterThan(0);
      expect(pixels.length, "five headline trends and one per measured SLO objective").toBe(5 + measured.length);
      const captions = await page.locator("figure[id^=trend-objective-] figcaption").allTextContents();
      expect(captions.map((c) => measured.find((m) => c.includes(m)))).toEqual(measured.sort());
      for (const n of pixels) expect(n).toBeGreaterThan(500);
      await page.screenshot({ path: join(reports, "history.png"), fullPage: true });
    } finally {
      await close();
    }
  }, 150_000);

  it("an hour of per-second data: the page builds in seconds, stays small, and draws in the browser", async (ctx) => {
    requireChromium(ctx);
    await requireTool("k6", ctx);
    const { reports, runId } = await realRuns();
    const hour = join(reports, "hour-html-report");
    const messages = await tileRun(join(reports, runId), hour, 3600);
    const started = Date.now();
    const built = cli(["report", hour]);
    const buildMs = Date.now() - started;
    expect(built.status, built.stderr).toBe(0);
    expect(buildMs, "building the page of an hour-long run (node start included)").toBeLessThan(20_000);
    expect(statSync(join(hour, "index.html")).size, "page size (grows with seconds, not messages)").toBeLessThan(2_000_000);
    const opened = Date.now();
    const { page, errors, close } = await openPage(ctx, join(hour, "index.html"));
    try {
      const drawMs = Date.now() - opened;
      expect(errors).toEqual([]);
      for (const n of await drawnPixels(page)) expect(n).toBeGreaterThan(500);
      expect(drawMs, "browser start, load and draw").toBeLessThan(10_000);
      process.stderr.write(`[hour] ${messages} messages: page built in ${buildMs} ms, ${statSync(join(hour, "index.html")).size} bytes, opened and drawn in ${drawMs} ms\n`);
    } finally {
      await close();
    }
  }, 150_000);
});

/** A longer run made from a real one: its scenario's records repeated back to back for `seconds`. */
async function tileRun(from: string, to: string, seconds: number): Promise<number> {
  const summary = readJson<SummaryInput>(join(from, "summary.json"));
  const s = summary.scenarios![0];
  const span = s.endedAt! - s.startedAt!;
  const copies = Math.ceil((seconds * 1000) / span);
  mkdirSync(join(to, s.name), { recursive: true });
  let messages = 0;
  for (const file of ["events.jsonl", "messages.jsonl", "relay-metrics.jsonl", "generator.jsonl"]) {
    const records = readFileSync(join(from, s.name, file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const out = createWriteStream(join(to, s.name, file));
    for (let i = 0; i < copies; i++) {
      for (const r of records) {
        const c: Record<string, unknown> = { ...r };
        for (const k of ["t", "sentAt", "ackedAt"]) if (typeof c[k] === "number") c[k] = (c[k] as number) + i * span;
        if (Array.isArray(c.deliveries)) c.deliveries = (c.deliveries as number[]).map((d) => d + i * span);
        if (typeof c.id === "string") c.id = `${i}.${c.id}`;
        if (!out.write(`${JSON.stringify(c)}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
      }
      if (file === "messages.jsonl") messages += records.length;
    }
    await new Promise((r) => out.end(r));
  }
  s.endedAt = s.startedAt! + copies * span;
  writeFileSync(join(to, "summary.json"), JSON.stringify({ ...summary, runId: "hour-html-report" }));
  return messages;
}
