// What several k6 instances amount to as one load generator: one exit code for the verdict (k6's
// own meanings: 0 every threshold met, 99 a threshold failed), and one CPU and memory series.
import type { ProcessUsageSample } from "../../record/process-usage-sampler.ts";

const THRESHOLDS_FAILED = 99;

/**
 * The exit code of the run as one k6: 0 when every instance exited 0; 99 when any did (a threshold
 * failed on its share, abortOnFail ones stop every instance); otherwise the first instance's code
 * that is neither (a crash), null when an instance did not finish.
 */
export function combinedExitCode(codes: readonly (number | null)[]): number | null {
  if (codes.includes(THRESHOLDS_FAILED)) return THRESHOLDS_FAILED;
  if (codes.every((c) => c === 0)) return 0;
  return codes.find((c) => c !== 0) ?? null;
}

/**
 * The instances' CPU and memory summed second by second: the n-th sample of each (every sampler
 * starts with its instance and reads once a second). The machine's busy cores are the machine's,
 * not summed. One instance's samples are returned as they are.
 */
export function combinedUsage(perInstance: readonly ProcessUsageSample[][]): ProcessUsageSample[] {
  if (perInstance.length === 1) return perInstance[0];
  const length = Math.max(0, ...perInstance.map((s) => s.length));
  const out: ProcessUsageSample[] = [];
  for (let n = 0; n < length; n++) {
    const row = perInstance.map((s) => s[n]).filter((s): s is ProcessUsageSample => s !== undefined);
    const rss = row.map((s) => s.rssMb).filter((v): v is number => v !== null);
    const busy = row.map((s) => s.machineBusyCores).filter((v): v is number => v !== null);
    out.push({
      t: Math.max(...row.map((s) => s.t)), intervalMs: Math.max(...row.map((s) => s.intervalMs)),
      cpuCores: Math.round(row.reduce((a, s) => a + s.cpuCores, 0) * 1000) / 1000,
      rssMb: rss.length ? rss.reduce((a, b) => a + b, 0) : null, cpuSeconds: row.reduce((a, s) => a + s.cpuSeconds, 0),
      machineBusyCores: busy.length ? Math.max(...busy) : null,
    });
  }
  return out;
}
