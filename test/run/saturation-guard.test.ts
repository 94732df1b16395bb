// The saturation guard end to end: the real main job (k6 + Toxiproxy + relay, local environment)
// asked for far more than this machine can generate is flagged, and cannot pass; the same
// scenario sized far below it (20 users, 5 msg/s: quiet even beside another busy test tier) is not.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { expectPageShowsVerdict } from "../support/page-verdict.ts";
import { requireTool } from "../support/require-tool.ts";

function chaos(users: number, rate: number) {
  const dir = mkdtempSync(join(tmpdir(), `saturation-${rate}-`));
  const started = Date.now();
  const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--scenario", "steady", "--env", "local", "--users", String(users), "--rate", String(rate), "--duration", "10s", "--reports", dir], { encoding: "utf8", timeout: 80_000 });
  const summary = JSON.parse(readFileSync(join(dir, "latest", "summary.json"), "utf8")) as RunSummary;
  const scenario = summary.scenarios[0];
  const g = scenario.generator;
  process.stdout.write(`rate ${rate}: exit ${run.status} in ${Math.round((Date.now() - started) / 1000)} s; sent ${scenario.figures.messages.sent}, delivered ${scenario.figures.messages.delivered}; `
    + `k6 CPU peak ${g.peakCpuCores} mean ${g.meanCpuCores} of ${g.machineCores} cores, ${g.k6CpuSecondsTotal} s total (${g.k6CpuUsPerDeliveredMessage} µs/delivered), peak lag ${g.peakLagMs} ms (${g.lagRecords} lag records), RSS ${g.peakRssMb} MB; `
    + `spans: ${g.spans.map((s) => `${s.fromS}-${s.toS}s ${s.reason}${s.inMeasuredWindow ? "" : " (outside)"}`).join("; ") || "none"}\n`);
  return { run, out: `${run.stdout}\n${run.stderr}`, summary, scenario, g, dir };
}

describe("the saturation guard", () => {
  it("flags a run that asks far more than the machine can generate, and fails it; a light run is not flagged", async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");

    const heavy = chaos(200, 3000);
    expect(heavy.scenario.status, heavy.out).toBe("completed");
    expect(heavy.g.measured).toBe(true);
    expect(heavy.g.cpuSamples).toBeGreaterThan(10);
    expect(heavy.g.saturated, heavy.out).toBe(true);
    expect(heavy.g.inMeasuredWindow).toBe(true);
    expect(heavy.g.spans.some((s) => s.inMeasuredWindow && /timer lag \d+ ms|k6 CPU [\d.]+ of \d+ cores/.test(s.reason))).toBe(true);
    // and how busy the whole machine was then, so a starved k6 can be told from a busy one
    expect(heavy.g.spans.some((s) => s.inMeasuredWindow && /; machine [\d.]+ of \d+ cores busy$/.test(s.reason) && s.meanMachineBusyCores! > 0), JSON.stringify(heavy.g.spans)).toBe(true);
    expect(heavy.run.status).toBe(1);
    expect(heavy.out).toMatch(/SATURATED/);
    expect(heavy.out).toMatch(/steady: load generator saturated from \d\d:\d\d to \d\d:\d\d \(.+\): figures in that span describe the generator, not the relay/);
    expect(heavy.out).toMatch(/the load generator \(k6\) saturated during the measured window of steady/);
    expect(heavy.out).toMatch(/FAIL +\[steady\] load generator kept up \(saturation guard\)/);
    expect(expectPageShowsVerdict(join(heavy.dir, "latest")).status).toBe("fail");
    const samples = readFileSync(join(heavy.dir, "latest", "steady", "generator.jsonl"), "utf8").trim().split("\n");
    expect(samples.length).toBe(heavy.g.cpuSamples);
    expect(JSON.parse(samples[0])).toMatchObject({ t: expect.any(Number), cpuCores: expect.any(Number), rssMb: expect.any(Number), machineBusyCores: expect.any(Number) });

    // a tenth of a VU's work at most: it stays quiet even with another test tier busy beside it
    const light = chaos(20, 5);
    expect(light.scenario.status, light.out).toBe("completed");
    expect(light.g.measured).toBe(true);
    expect(light.g.inMeasuredWindow, light.out).toBe(false);
    expect(light.g.spans.filter((s) => s.inMeasuredWindow)).toEqual([]);
    expect(light.g.k6CpuUsPerDeliveredMessage).toBeGreaterThan(0);
    expect(light.run.status, light.out).toBe(0);
    expect(light.out).not.toMatch(/SATURATED|saturated during the measured window/);
    expect(existsSync(join(light.dir, "latest", "steady", "generator.jsonl"))).toBe(true);
  }, 180_000);
});
