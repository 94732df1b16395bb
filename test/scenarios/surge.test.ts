// Runs the surge scenario short, through the real main job against the reference relay on local
// processes: newcomers sign up with real WebCrypto keys in k6, fetch their contacts' bundles
// (sized so the contacts' one-time prekeys run out), agree sessions by X3DH and write first. The
// run's page is opened in Chromium for the surge chart and its knee. A second, shorter scenario of
// the same run is the combined variant: the surge arrives while both direct paths are blackholed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { signUpRecords } from "../../harness/analysis/surge/surge-figures.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { summaryIssues } from "../../harness/report/summary/summary-issues.ts";
import type { ScenarioResult } from "../../harness/run/run-scenario.ts";
import type { SignUpRecord } from "../../scenarios/lib/surge/sign-up-record.ts";
import { launchChromium, requireChromium } from "../support/require-chromium.ts";
import { requireTool } from "../support/require-tool.ts";

// 40 users hold 5 one-time prekeys each (200); about 60 newcomers fetch 3 bundles each (about 180,
// on the few users the seeded picks favour): the busiest contacts run out
// The knee bound is 1 ms, so that the knee is found (every first message takes longer) and marked.
// The ip-block variant: newcomers all start on a direct path (PROXY_EVERY 0), blackholed from 3 s on.
const SHORT = {
  name: "surge-short",
  scenarios: [
    { scenario: "surge", users: 40, rate: 10, duration: "10s", drain: "8s", k6Env: { SURGE_FROM_PER_S: "3", SURGE_PEAK_PER_S: "10", SURGE_CONTACTS: "3", SURGE_ONE_TIME_PREKEYS: "3", SURGE_MAX_VUS: "60", SURGE_KNEE_P95_MS: "1" } },
    {
      name: "surge-ip-block-short", scenario: "surge", users: 20, rate: 5, warmup: "4s", duration: "6s", drain: "10s",
      k6Env: { SURGE_FROM_PER_S: "2", SURGE_PEAK_PER_S: "4", SURGE_CONTACTS: "2", SURGE_MAX_VUS: "30", PROXY_EVERY: "0", CONNECT_TIMEOUT_MS: "1000" },
      timeline: [{ at: "3s", for: "40s", target: "direct", fault: { kind: "blackhole" } }],
    },
  ],
};

describe("the surge scenario, short, against the reference relay on local processes", () => {
  let result: ScenarioResult;
  let blocked: ScenarioResult;
  let signUps: SignUpRecord[];
  let shown: Map<string, number>;
  let blockedEvents: { ev: string; user?: number; kind?: string; ep?: string; t?: number }[];
  let runDir: string;

  beforeAll(async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    const dir = mkdtempSync(join(tmpdir(), "surge-"));
    const suite = join(dir, "surge-short.json");
    writeFileSync(suite, JSON.stringify(SHORT));
    const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", "local", "--reports", dir], { encoding: "utf8", timeout: 300_000 });
    const summaryFile = join(dir, "latest", "summary.json");
    if (!existsSync(summaryFile)) throw new Error(`surge wrote no summary (exit ${run.status}):\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
    const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as RunSummary;
    expect(summaryIssues(summary), `${summaryFile} against the summary schema`).toEqual([]);
    result = summary.scenarios[0];
    blocked = summary.scenarios[1];
    runDir = join(dir, "latest");
    const eventsOf = (name: string) => readFileSync(join(dir, "latest", name, "events.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { ev: string });
    const events = eventsOf("surge");
    blockedEvents = eventsOf("surge-ip-block-short");
    signUps = signUpRecords(events);
    shown = new Map();
    for (const e of events as { ev: string; id?: string; t?: number; dup?: boolean }[]) {
      if (e.ev === "delivered" && !e.dup && e.id && !shown.has(e.id)) shown.set(e.id, e.t!);
    }
  }, 300_000);

  it("signs newcomers up along the ramp, and every one that registered got its first messages across and an answer", () => {
    expect(result.status).toBe("completed");
    const surge = result.figures.surge!;
    expect(signUps.length).toBeGreaterThan(30);
    expect(surge.signUps).toBe(signUps.length);
    const registered = signUps.filter((s) => s.outcome === "registered");
    expect(registered.length, JSON.stringify(surge.refusedBy)).toBe(signUps.length);
    for (const s of registered) {
      expect(s.firstMessages.length, `newcomer ${s.user}`).toBe(3);
      for (const id of s.firstMessages) expect(shown.has(id), `newcomer ${s.user}: first message ${id} never delivered`).toBe(true);
      expect(s.answers, `newcomer ${s.user}: answers`).toBe(3);
    }
    expect(surge.firstMessageUndelivered).toBe(0);
    expect(surge.firstMessageMs.count).toBe(registered.length);
    expect(result.figures.messages.lostAfterAck).toBe(0);
    expect(result.figures.messages.decryptFailures).toBe(0);
    // the sign-ups k6 dropped for want of a VU: k6's own points, each in the second k6 stamped on it,
    // as many as the dropped_iterations of k6's end-of-test summary
    const k6 = JSON.parse(readFileSync(join(runDir, "surge", "k6-summary.json"), "utf8")) as { metrics: { dropped_iterations?: { values: { count: number } } } };
    const kept = readFileSync(join(runDir, "surge", "k6-dropped-iterations.jsonl"), "utf8").split("\n").filter(Boolean);
    expect(kept.length).toBe(k6.metrics.dropped_iterations?.values.count ?? 0);
    expect(surge.droppedIterations).toBe(k6.metrics.dropped_iterations?.values.count ?? 0);
    expect(surge.perSecond.reduce((n, p) => n + p.droppedIterations!, 0)).toBe(surge.droppedIterations);
    // the ramp rises: more sign-ups in its last seconds than in its first
    const perS = surge.perSecond.map((s) => s.signUps);
    expect(perS.slice(-3).reduce((a, b) => a + b, 0)).toBeGreaterThan(perS.slice(0, 3).reduce((a, b) => a + b, 0));
  });

  it("hands out no one-time prekey twice, and counts the bundles that fell back to the signed prekey", () => {
    const surge = result.figures.surge!;
    const fetches = signUps.flatMap((s) => s.fetches);
    expect(fetches.every((f) => f.latencyMs !== null)).toBe(true);
    const handedOut = fetches.filter((f) => f.oneTimePrekey !== null).map((f) => `${f.contact}/${f.oneTimePrekey}`);
    expect(new Set(handedOut).size, "a (contact, one-time prekey) pair handed out twice").toBe(handedOut.length);
    expect(surge.oneTimePrekeysHandedOutTwice).toBe(0);
    const exhausted = fetches.filter((f) => f.oneTimePrekey === null).length;
    expect(exhausted, "the contacts' stock of 5 one-time prekeys ran out").toBeGreaterThan(0);
    expect(surge.oneTimePrekeysExhausted).toBe(exhausted);
    expect(surge.prekeyFetches).toBe(fetches.length);
    // the relay's own log agrees: every "c" record was of a prekey still held, and it handed out at
    // least the one-time prekeys the newcomers got (existing users may have fetched some too)
    const relayLog = surge.relayPrekeyLog;
    expect(relayLog.available, JSON.stringify(relayLog)).toBe(true);
    if (!relayLog.available) return;
    expect(relayLog.handedOutTwice, relayLog.twice.join(", ")).toBe(0);
    expect(relayLog.handedOut).toBeGreaterThanOrEqual(handedOut.length);
    expect(handedOut.length).toBeGreaterThan(0);
  });

  it("reports the existing users' latency during the surge and a knee judged with the generator's saturation", () => {
    const surge = result.figures.surge!;
    expect(surge.existingUsers.during.count).toBeGreaterThan(0);
    expect(surge.knee.boundMs).toBe(1);
    expect(surge.knee.found).toBe(true);
    expect(surge.knee.signUpsPerS).toBe(surge.perSecond[surge.knee.second!].plannedPerS);
    expect(surge.perSecond.length).toBeGreaterThanOrEqual(10);
  });

  it("the run's page draws first-message latency against sign-ups/s, marks the knee, and shows the surge's figures", async (ctx) => {
    requireChromium(ctx);
    const surge = result.figures.surge!;
    const browser = await launchChromium(ctx);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      await page.goto(`file://${join(runDir, "index.html")}`);
      await page.waitForFunction(() => document.documentElement.dataset.chartsDrawn !== undefined, null, { timeout: 10_000 });
      expect(errors).toEqual([]);
      // the chart drew (canvas pixels), its table alternative holds one row per second of the ramp
      // that had sign-ups: the ramp's rate and that second's first-message p95, as summary.json has them
      const pixels = await page.$eval("#surge-chart-0 canvas", (c) => {
        const data = (c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
        return n;
      });
      expect(pixels).toBeGreaterThan(500);
      await page.click("#surge-chart-0 details summary");
      // the table is built by the details' toggle event, a task queued after the click
      await page.waitForSelector("#surge-chart-0 details table", { state: "attached", timeout: 5000 });
      const rows = await page.$$eval("#surge-chart-0 details tbody tr", (trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? "")));
      const expected = surge.perSecond.filter((p) => p.signUps > 0).map((p) => `${p.plannedPerS}:${p.firstMessageMs.p95}`).sort();
      expect(rows.map((r) => `${r[0]}:${r[1]}`).sort()).toEqual(expected);
      // the knee: a marker over the plot at the knee's rate, and the sentence under the chart
      const knee = await page.$eval("#surge-chart-0 .marker-knee", (m) => ({ title: (m as HTMLElement).title, left: parseFloat((m as HTMLElement).style.left) }));
      expect(knee.title).toContain(`knee: ${surge.knee.signUpsPerS} sign-ups/s`);
      expect(knee.left).toBeGreaterThanOrEqual(0);
      expect(await page.textContent("#surge-knee-0")).toContain(`at ${surge.knee.signUpsPerS} sign-ups/s`);
      const table = Object.fromEntries(await page.$$eval("#surge-figures-0 tr", (trs) => trs.map((tr) => [tr.querySelector("th")?.textContent ?? "", tr.querySelector("td")?.textContent ?? ""])));
      expect(table["accepted (registered)"]).toBe(String(surge.accepted));
      expect(table["one-time prekeys exhausted (fell back to the signed prekey)"]).toBe(String(surge.oneTimePrekeysExhausted));
      expect(table["one-time prekeys handed out twice (the relay's own log)"]).toMatch(/^0 of \d+ handed out$/);
      expect(table["existing users' chat latency during the ramp"]).toContain(`p95 ${surge.existingUsers.during.p95} ms`);
      // the ip-block scenario of the same run has its own surge section
      expect(await page.$$eval("#surge-chart-1 .chart canvas", (n) => n.length)).toBe(1);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("surge during the ip-block: newcomers fail over from the blackholed direct paths and register through a proxy", () => {
    expect(blocked.status).toBe("completed");
    const surge = blocked.figures.surge!;
    const newcomers = signUpRecords(blockedEvents);
    expect(newcomers.length).toBeGreaterThanOrEqual(5);
    const injected = blocked.faults.find((f) => f.event === "inject")!.appliedAt!;
    expect(newcomers.every((s) => s.startedAt > injected), "the surge arrived while the block was in force").toBe(true);
    for (const s of newcomers) {
      expect(s.outcome, `newcomer ${s.user}: ${s.refusals.join(", ")}`).toBe("registered");
      const ready = blockedEvents.filter((e) => e.ev === "conn" && e.kind === "ready" && e.user === s.user);
      expect(ready.length, `newcomer ${s.user} never connected`).toBeGreaterThan(0);
      expect(ready.every((e) => e.ep!.startsWith("proxy-")), `newcomer ${s.user} connected via ${ready.map((e) => e.ep).join(", ")}`).toBe(true);
      // it tried a direct path first: its failed attempts are in its record
      expect(s.refusals.some((r) => r.startsWith("connect:")), `newcomer ${s.user} did not fail over`).toBe(true);
      expect(s.answers, `newcomer ${s.user}: answers`).toBe(2);
    }
    expect(surge.firstMessageUndelivered).toBe(0);
  });
});
