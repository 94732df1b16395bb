// The k6 files of a scenario as summary.json lists them (relative to the run folder): k6Console,
// k6Summary, k6Log (and k6Metrics) for one instance; for several, the same names with `-<instance>`
// (each instance writes into `instance-<i>/` of the scenario folder).
import { relative } from "node:path";
import type { K6Files } from "../run-k6.ts";

const K6_KEYS = ["k6Metrics", "k6Console", "k6Summary", "k6Log"];

/** `written` (the scenario's files) with the k6 entries of every instance; unchanged for one instance. */
export function withInstanceFiles(written: Record<string, string>, files: readonly K6Files[], runDir: string): Record<string, string> {
  if (files.length === 1) return written;
  const out = Object.fromEntries(Object.entries(written).filter(([k]) => !K6_KEYS.includes(k)));
  files.forEach((f, i) => {
    if (f.metrics) out[`k6Metrics-${i}`] = relative(runDir, f.metrics);
    out[`k6Console-${i}`] = relative(runDir, f.console);
    out[`k6Summary-${i}`] = relative(runDir, f.summary);
    out[`k6Log-${i}`] = relative(runDir, f.log);
  });
  return out;
}
