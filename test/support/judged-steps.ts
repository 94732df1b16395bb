// Stepped-search results made by hand for the bench's row tests: a step as the search judges it
// (judgeStep), from the figures that matter to the judge and the rows, and a search over such steps.
import type { WindowFigures } from "../../bench/chaos-run.ts";
import { judgeStep, type SearchResult } from "../../bench/stepped-search.ts";

export type JudgedStep = SearchResult["steps"][number];

/** A step at `rate` (200 users, full crypto, 10 s after 6 s of warm-up, all delivered, the relay at 0.3 cores), `f` over it. */
export function judgedStep(rate: number, f: Partial<WindowFigures> = {}): JudgedStep {
  const figures: WindowFigures = {
    load: { users: 200, rate, crypto: "full", durationS: 10, warmupS: 6 }, runDir: `/runs/${rate}`, exitCode: 0,
    sent: rate * 8, delivered: rate * 8, deliveredPerS: rate, p50Ms: 20, p99Ms: 90, k6CpuUsPerMsg: 600, k6Cores: 0.9, k6PeakRssMb: 300, usersConnected: 200,
    generatorSaturated: false, saturationReason: null, machine: null, machineBusyCores: null,
    server: { target: "relay", version: null, cpuCores: 0.3, cpuCoresPeak: 0.5, rssMbPeak: 90, samples: 8, note: null },
    afterLoad: { seconds: 2, harnessCpuSeconds: 1, records: rate * 40, note: null },
    ...f,
  };
  return { ...figures, ...judgeStep(figures) };
}

/** A full-crypto search over `steps` against `target`, its best the fastest step that passed. */
export function judgedSearch(steps: JudgedStep[], search: Pick<SearchResult, "target" | "maxRate"> & Partial<SearchResult>): SearchResult {
  const passed = steps.filter((s) => s.passed).sort((a, b) => b.deliveredPerS - a.deliveredPerS);
  return { crypto: "full", best: passed[0] ?? null, steps, error: null, ...search };
}
