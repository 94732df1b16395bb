// The bench's `--segments` rows without a long run: the 2-instance search against the 1-instance
// one, the merge's cost read at a rate both ran (from what a step records after k6's last record),
// and the `--segments <cores>` row that a 2-core machine leaves "not measured" with why, never 0.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { windowFigures, type BenchLoad, type WindowFigures } from "../../bench/chaos-run.ts";
import { sameRateSteps, segmentsRows, wideSegments } from "../../bench/segments-rows.ts";
import type { SearchResult } from "../../bench/stepped-search.ts";
import { judgedSearch, judgedStep, type JudgedStep } from "../support/judged-steps.ts";

const FIXTURE = resolve(__dirname, "fixtures/prosody-step");
const LOAD: BenchLoad = { users: 2, rate: 2, crypto: "full", durationS: 5, warmupS: 1, target: "prosody" };

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("what a step records after k6's last record (bench/chaos-run.ts)", () => {
  it("is the time from the latest record to the scenario's endedAt, with the records counted", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-segments-"));
    scratch.push(dir);
    cpSync(FIXTURE, dir, { recursive: true });
    const summaryFile = join(dir, "summary.json");
    const summary = JSON.parse(readFileSync(summaryFile, "utf8"));
    // the fixture's latest record is at 1700000011000 (the tallies)
    summary.scenarios[0].endedAt = 1700000013500;
    writeFileSync(summaryFile, JSON.stringify(summary));
    const step = windowFigures({ ...LOAD, segments: 2 }, dir, 0);
    expect(step.afterLoad).toEqual({ seconds: 2.5, harnessCpuSeconds: null, records: 2, note: "no process sampler (figures read back from a run folder)" });
  });

  it("says why when the summary has no end time, rather than a 0", () => {
    const step = windowFigures(LOAD, FIXTURE, 0);
    expect(step.afterLoad).toEqual({ seconds: null, harnessCpuSeconds: null, records: 2, note: "summary.json's scenario has no endedAt" });
  });
});

/** a step whose harness took `afterCpu` s of CPU after k6's last record (null: not sampled) */
function step(rate: number, f: Partial<WindowFigures> & { afterCpu?: number | null } = {}): JudgedStep {
  const { afterCpu = 1, ...figures } = f;
  const afterLoad = { seconds: 2, harnessCpuSeconds: afterCpu, records: rate * 40, note: afterCpu === null ? "the process sampler has no reading in that time" : null };
  return judgedStep(rate, { afterLoad, ...figures });
}

const search = (steps: JudgedStep[]): SearchResult => judgedSearch(steps, { target: "relay", maxRate: 16_000 });
const saturated = { generatorSaturated: true, saturationReason: "timer lag 400 ms" };

const one = search([step(250), step(500), step(1000), step(2000, saturated), step(1500, { deliveredPerS: 1504 })]);
const two = search([step(250), step(500, { k6CpuUsPerMsg: 660, afterCpu: 1.3 }), step(1000, saturated), step(750, { afterCpu: 1.2 })]);

describe("the --segments rows (bench/segments-rows.ts)", () => {
  it("holds the 2-instance search against the 1-instance one, with why the 2-instance one missed", () => {
    const [throughput] = segmentsRows({ one, two, wide: null }, 2);
    expect(throughput.value).toBe("750");
    expect(throughput.against).toBe("--segments 1: 1,504; 2 missed 1,000 msgs/s: generator saturated (timer lag 400 ms)");
    expect(throughput.ratio).toBe("0.50x");
  });

  it("reads the merge's cost at the highest rate both searches passed", () => {
    expect(sameRateSteps(one, two)?.one.load.rate).toBe(500);
    const [, merge, k6] = segmentsRows({ one, two, wide: null }, 2);
    expect(merge.figure).toBe("merge cost, --segments 2 against 1 (harness after k6's last record, at 500 msgs/s)");
    expect(merge.value).toBe("1.30 s harness CPU, 2.00 s, 20,000 records");
    expect(merge.against).toBe("--segments 1: 1.00 s harness CPU, 2.00 s, 20,000 records");
    expect(merge.ratio).toBe("1.30x CPU, 1.00x time");
    expect(k6.value).toBe("660");
    expect(k6.ratio).toBe("1.10x");
  });

  it("says why the merge's cost was not measured when no rate ran in both searches, never 0", () => {
    const apart = search([step(300, saturated)]);
    const rows = segmentsRows({ one, two: apart, wide: null }, 2);
    expect(rows[0].value).toBe("none: every step missed (300 msgs/s)");
    expect(rows[1].value).toBe("not measured: the two searches ran no rate in common (1: 250, 500, 1,000, 2,000, 1,500; 2: 300 msgs/s)");
    expect(rows.map((r) => r.value)).not.toContain("0");
  });

  it("leaves --segments <cores> to a machine with more than 2 cores, saying so", () => {
    expect(wideSegments(2, 64)).toBeNull();
    expect(wideSegments(1, 64)).toBeNull();
    expect(wideSegments(8, 64)).toBe(8);
    expect(wideSegments(128, 64)).toBe(64);
    const rows = segmentsRows({ one, two, wide: null }, 2);
    expect(rows.at(-1)?.value).toBe("not measured: needs more than 2 cores (this machine has 2)");
    const wide = segmentsRows({ one, two, wide: { segments: 8, search: search([step(250), step(500), step(1000), step(2000), step(4000, saturated), step(3000)]) } }, 8).at(-1)!;
    expect(wide.figure).toBe("harness throughput, full, --segments 8 (delivered msgs/s)");
    expect(wide.value).toBe("3,000");
    expect(wide.ratio).toBe("1.99x");
  });
});
