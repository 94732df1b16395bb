// The bench's rows for `--segments`: the `full` stepped search with 2 k6 instances beside the same
// search with 1 in the same bench run, what merging the instances' records costs the harness (its
// time and CPU after k6's last record, at a rate both searches ran), and the row for `--segments N`
// with N the machine's cores, which only a machine with more than 2 cores measures. A figure that
// could not be measured says why, never 0.
import { fmt, ratio, type Row } from "./bench-row.ts";
import { throughputValue, whyMissed } from "./server-rows.ts";
import type { SearchResult } from "./stepped-search.ts";

type Step = SearchResult["steps"][number];

export interface SegmentSearches {
  /** the search with one k6 (the relay's own `full` search) */
  one: SearchResult;
  /** the same search with `--segments 2` */
  two: SearchResult;
  /** the same search with `--segments <cores>`; null: not run (the machine has 2 cores or fewer) */
  wide: { segments: number; search: SearchResult } | null;
}

/** `--segments <cores>` runs only where it could add cores beyond the 2-instance search. */
export function wideSegments(cores: number, maxSegments: number): number | null {
  return cores > 2 ? Math.min(cores, maxSegments) : null;
}

/**
 * The two steps the merge's cost is read at: the highest rate both searches passed, else the highest
 * rate both ran (the cost grows with the records, so the two are held at the same rate); null: none.
 */
export function sameRateSteps(one: SearchResult, two: SearchResult): { one: Step; two: Step } | null {
  const pairs = one.steps.flatMap((a) => two.steps.filter((b) => b.load.rate === a.load.rate).map((b) => ({ one: a, two: b })));
  const byRate = (x: { one: Step }, y: { one: Step }) => y.one.load.rate - x.one.load.rate;
  return pairs.filter((p) => p.one.passed && p.two.passed).sort(byRate)[0] ?? pairs.sort(byRate)[0] ?? null;
}

const rates = (search: SearchResult) => search.steps.map((s) => fmt(s.load.rate)).join(", ") || "none";

function afterLoadText(step: Step): string {
  const a = step.afterLoad;
  if (a.seconds === null) return `not measured: ${a.note}`;
  const cpu = a.harnessCpuSeconds === null ? `CPU not measured (${a.note})` : `${a.harnessCpuSeconds.toFixed(2)} s harness CPU`;
  return `${cpu}, ${a.seconds.toFixed(2)} s, ${fmt(a.records)} records`;
}

export function segmentsRows(s: SegmentSearches, cores: number): Row[] {
  const oneBest = s.one.best?.deliveredPerS ?? null;
  const oneText = `--segments 1: ${throughputValue(s.one)}`;
  const missed = whyMissed(s.two);
  const rows: Row[] = [{
    figure: "harness throughput, full, --segments 2 (delivered msgs/s)", value: throughputValue(s.two),
    against: missed ? `${oneText}; 2 missed ${missed}` : oneText, ratio: ratio(s.two.best?.deliveredPerS, oneBest),
  }];
  const same = sameRateSteps(s.one, s.two);
  if (!same) {
    const why = `not measured: the two searches ran no rate in common (1: ${rates(s.one)}; 2: ${rates(s.two)} msgs/s)`;
    rows.push({ figure: "merge cost, --segments 2 against 1 (harness after k6's last record)", value: why, against: "-", ratio: "-" });
    rows.push({ figure: "k6 CPU per delivered message, full, --segments 2 (us)", value: why, against: "-", ratio: "-" });
  } else {
    const at = `at ${fmt(same.one.load.rate)} msgs/s`;
    const cpu = ratio(same.two.afterLoad.harnessCpuSeconds, same.one.afterLoad.harnessCpuSeconds);
    rows.push({
      figure: `merge cost, --segments 2 against 1 (harness after k6's last record, ${at})`, value: afterLoadText(same.two),
      against: `--segments 1: ${afterLoadText(same.one)}`,
      ratio: cpu === "-" ? ratio(same.two.afterLoad.seconds, same.one.afterLoad.seconds) + " time" : `${cpu} CPU, ${ratio(same.two.afterLoad.seconds, same.one.afterLoad.seconds)} time`,
    });
    rows.push({
      figure: `k6 CPU per delivered message, full, --segments 2 (us, ${at}, both instances)`, value: fmt(same.two.k6CpuUsPerMsg),
      against: `--segments 1 ${fmt(same.one.k6CpuUsPerMsg)} us`, ratio: ratio(same.two.k6CpuUsPerMsg, same.one.k6CpuUsPerMsg),
    });
  }
  if (!s.wide) {
    rows.push({ figure: "harness throughput, full, --segments N = cores (delivered msgs/s)", value: `not measured: needs more than 2 cores (this machine has ${cores})`, against: oneText, ratio: "-" });
  } else {
    rows.push({
      figure: `harness throughput, full, --segments ${s.wide.segments} (delivered msgs/s)`, value: throughputValue(s.wide.search),
      against: oneText, ratio: ratio(s.wide.search.best?.deliveredPerS, oneBest),
    });
  }
  return rows;
}

export interface SegmentsSummary {
  segments: number;
  deliveredPerS: number | null;
  error: string | null;
  steps: { rate: number; passed: boolean; why: string; deliveredPerS: number; p99Ms: number | null; k6CpuUsPerMsg: number | null; afterLoad: Step["afterLoad"] }[];
}

/** Each search's figures for bench.json (every step's full figures are in `segmentSearches` beside it). */
export function segmentsSummary(s: SegmentSearches): SegmentsSummary[] {
  const all = [{ segments: 1, search: s.one }, { segments: 2, search: s.two }, ...(s.wide ? [s.wide] : [])];
  return all.map(({ segments, search }) => ({
    segments, deliveredPerS: search.best?.deliveredPerS ?? null, error: search.error,
    steps: search.steps.map((x) => ({ rate: x.load.rate, passed: x.passed, why: x.why, deliveredPerS: x.deliveredPerS, p99Ms: x.p99Ms, k6CpuUsPerMsg: x.k6CpuUsPerMsg, afterLoad: x.afterLoad })),
  }));
}
