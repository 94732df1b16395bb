// The bench's search against an XMPP server, without a long run: a step's figures (the server's own
// CPU and memory among them) read back from a fixture run folder, and the rows a search gives when
// its steps miss, from the first one on.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { windowFigures, type BenchLoad, type WindowFigures } from "../../bench/chaos-run.ts";
import { serverCpuRow, serverRows, serverSummary, serverThroughputRow, throughputValue } from "../../bench/server-rows.ts";
import type { SearchResult } from "../../bench/stepped-search.ts";
import { judgedSearch, judgedStep, type JudgedStep } from "../support/judged-steps.ts";

const FIXTURE = resolve(__dirname, "fixtures/prosody-step");
// the fixture's window: warm-up 1 s and 2 s of settling, to the end of sending at 6 s
const LOAD: BenchLoad = { users: 2, rate: 2, crypto: "full", durationS: 5, warmupS: 1, target: "prosody" };

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("a step's window figures against an XMPP server (bench/chaos-run.ts)", () => {
  it("gives the server's mean CPU and peak memory over the same window as delivery and k6's CPU, not over the whole run", () => {
    const step = windowFigures(LOAD, FIXTURE, 0);
    // messages sent in the window: 6, of which 5 delivered (the one before and the one after are not counted)
    expect(step.sent).toBe(6);
    expect(step.delivered).toBe(5);
    expect(step.k6Cores).toBe(0.2);
    expect(step.machineBusyCores).toBe(1.2);
    // server-usage.jsonl's samples ending in the window: 0.2, 0.4, 0.6 cores; 20, 25, 22 MB
    expect(step.server).toEqual({ target: "prosody", version: "0.12.3-1+deb12u1", cpuCores: 0.4, cpuCoresPeak: 0.6, rssMbPeak: 25, samples: 3, note: null });
    // the whole run's figures (summary.json's server.usage) hold start-up and the drain: not these
    expect(step.server.cpuCores).not.toBe(0.58);
  });

  it("says the server's figures were not measured (null, with why) when the run folder has no server-usage.jsonl", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-step-"));
    scratch.push(dir);
    cpSync(FIXTURE, dir, { recursive: true });
    rmSync(join(dir, "steady", "server-usage.jsonl"));
    const step = windowFigures(LOAD, dir, 0);
    expect(step.server.cpuCores).toBeNull();
    expect(step.server.rssMbPeak).toBeNull();
    expect(step.server.note).toBe("the run has no server-usage.jsonl");
    expect(step.delivered).toBe(5);
  });
});

/** a step against Prosody, whose CPU was `serverCpu` (null: not sampled) */
function step(rate: number, f: Partial<WindowFigures> & { serverCpu?: number | null }): JudgedStep {
  const { serverCpu = 0.3, ...figures } = f;
  const server = { target: "prosody" as const, version: "0.12.3-1+deb12u1", cpuCores: serverCpu, cpuCoresPeak: 0.5, rssMbPeak: 31.5, samples: 8, note: serverCpu === null ? "no interval was sampled" : null };
  return judgedStep(rate, { load: { ...LOAD, users: 200, rate, durationS: 10, warmupS: 6 }, server, ...figures });
}

const search = (steps: JudgedStep[], extra: Partial<SearchResult> = {}): SearchResult => judgedSearch(steps, { target: "prosody", maxRate: 2000, ...extra });

const relayFull = search([step(250, {}), step(500, {}), step(1000, {}), step(2000, { generatorSaturated: true, saturationReason: "timer lag 316 ms" }), step(1500, { deliveredPerS: 1504 })], { target: "relay" });

describe("the rows of a search against a server (bench/server-rows.ts)", () => {
  it("a search whose every step missed says so with the judge's reasons, never as 0 msgs/s", () => {
    const saturated = step(250, { generatorSaturated: true, saturationReason: "timer lag 579 ms; machine 2 of 2 cores busy", serverCpu: 0.36 });
    const slow = step(188, { p99Ms: 2374, deliveredPerS: 150 });
    const s = search([saturated, slow]);
    expect(s.best).toBeNull();
    const [throughput, cpu] = serverRows(s, relayFull, 2);
    expect(throughput.figure).toBe("harness throughput against prosody, full (delivered msgs/s)");
    expect(throughput.value).toBe("none: every step missed (250, 188 msgs/s)");
    expect(throughput.value).not.toMatch(/^0/);
    expect(throughput.against).toBe("relay full 1,504; missed 188 msgs/s: p99 2374 ms >= 250 ms; 250 msgs/s: generator saturated (timer lag 579 ms; machine 2 of 2 cores busy)");
    expect(throughput.ratio).toBe("-");
    // the lowest rate that missed is the step back, 188
    expect(cpu.figure).toBe("server CPU at the lowest missed rate, prosody (cores at 188 msgs/s)");
    expect(cpu.value).toBe("0.30 cores, peak 31.5 MB RSS");
    expect(cpu.against).toBe("missed: p99 2374 ms >= 250 ms; k6 0.9 cores");
    expect(cpu.ratio).toBe("0.15 of 2 cores");
    expect(serverSummary(s)).toMatchObject({ target: "prosody", version: "0.12.3-1+deb12u1", deliveredPerS: null, missedFirstStep: true, lowestMissed: { rate: 188, why: "p99 2374 ms >= 250 ms", serverCpuCores: 0.3 } });
  });

  it("a first step that missed is named beside the step back that passed", () => {
    const s = search([step(250, { generatorSaturated: true, saturationReason: "timer lag 400 ms", serverCpu: 0.42 }), step(188, { deliveredPerS: 187 })]);
    expect(throughputValue(s)).toBe("187 (the first step, 250 msgs/s, missed)");
    expect(serverThroughputRow(s, relayFull).ratio).toBe("0.12x");
    const cpu = serverCpuRow(s, 2);
    expect(cpu.figure).toBe("server CPU at the lowest missed rate, prosody (cores at 250 msgs/s)");
    expect(cpu.value).toBe("0.42 cores, peak 31.5 MB RSS");
    expect(cpu.against).toBe("missed: generator saturated (timer lag 400 ms); k6 0.9 cores");
  });

  it("a search that passed and then missed gives its best rate against the relay's, and the CPU where it missed", () => {
    const s = search([step(250, {}), step(500, {}), step(1000, { deliveredPerS: 900, serverCpu: 0.71 }), step(750, { deliveredPerS: 748 })]);
    expect(serverThroughputRow(s, relayFull)).toEqual({ figure: "harness throughput against prosody, full (delivered msgs/s)", value: "748", against: "relay full 1,504", ratio: "0.50x" });
    expect(serverCpuRow(s, 2)).toMatchObject({ figure: "server CPU at the lowest missed rate, prosody (cores at 1,000 msgs/s)", value: "0.71 cores, peak 31.5 MB RSS", against: "missed: delivered 900/s < 95% of 1000/s; k6 0.9 cores" });
  });

  it("a search that never missed says it stopped at its cap, and gives the CPU at its highest rate", () => {
    const s = search([step(250, {}), step(500, {}), step(1000, {}), step(2000, { deliveredPerS: 1990 })]);
    expect(throughputValue(s)).toBe("1,990 (no step missed; the search stops at 2,000 msgs/s)");
    expect(serverCpuRow(s, 2).figure).toBe("server CPU at the highest rate (nothing missed), prosody (cores at 2,000 msgs/s)");
  });

  it("a server CPU not measured reads as not measured, with why", () => {
    const s = search([step(250, { p99Ms: 400, serverCpu: null })]);
    expect(serverCpuRow(s, 2)).toMatchObject({ value: "- (not measured: no interval was sampled)", ratio: "-" });
  });

  it("a search whose first run ended without a verdict (the server not installed) is not measured, with the run's reason", () => {
    const s = search([], { error: "npm run chaos (ejabberd, 250 msgs/s) exited 3 without a verdict: ejabberd is not installed", target: "ejabberd" });
    const [throughput, cpu] = serverRows(s, relayFull, 2);
    expect(throughput.value).toBe("not measured: npm run chaos (ejabberd, 250 msgs/s) exited 3 without a verdict: ejabberd is not installed");
    expect(throughput.against).toBe("relay full 1,504");
    expect(cpu.value).toMatch(/^- \(not measured: npm run chaos/);
  });

  it("the relay's own search adds only its CPU row (its throughput row is the bench's baseline)", () => {
    const rows = serverRows(relayFull, relayFull, 2);
    expect(rows.map((r) => r.figure)).toEqual(["server CPU at the lowest missed rate, relay (cores at 2,000 msgs/s)"]);
  });
});
