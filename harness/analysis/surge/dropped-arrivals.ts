// The sign-ups k6 planned but never started: its ramping-arrival-rate executor starts each arrival
// on its tick if a VU is free and otherwise drops it, emitting one dropped_iterations point stamped
// with that moment (lib/executor/ramping_arrival_rate.go): the generator ran out of VUs, a limit of
// the load generator, not of the server. The points are k6's own (its JSON output, kept by
// harness/load/k6-drop-tap.ts); their count is the dropped_iterations of k6's end-of-test summary.
import { existsSync, readFileSync } from "node:fs";
import { DROPPED_POINT_PREFIX } from "../../load/k6-drop-tap.ts";
import type { K6Files } from "../../load/run-k6.ts";

/** One arrival k6 dropped: when (epoch ms, k6's clock) and of which of the script's scenarios. */
export interface DroppedIteration {
  t: number;
  scenario: string | null;
}

/** the k6 scenario of the surge's sign-ups (scenarios/surge.ts) */
export const SIGN_UP_SCENARIO = "sign_ups";

/** The dropped_iterations points of k6's JSON output lines (other metrics' lines are passed over). */
export function droppedIterationsOf(jsonLines: string, file: string): DroppedIteration[] {
  const out: DroppedIteration[] = [];
  for (const line of jsonLines.split("\n")) {
    if (!line.startsWith(DROPPED_POINT_PREFIX)) continue;
    const point = JSON.parse(line) as { data?: { time?: string; value?: number; tags?: Record<string, string> | null } };
    const t = Date.parse(point.data?.time ?? "");
    if (!Number.isFinite(t)) throw new Error(`${file}: a dropped_iterations point without a time: ${line.slice(0, 200)}`);
    for (let n = 0; n < (point.data?.value ?? 1); n++) out.push({ t, scenario: point.data?.tags?.scenario ?? null });
  }
  return out;
}

/**
 * Every instance's dropped arrivals, from the raw metrics when written, else from the kept points.
 * null: k6's points were not kept (a run analysed from files gathered elsewhere, or k6 ended before its outputs started).
 */
export function readDroppedIterations(files: readonly K6Files[]): DroppedIteration[] | null {
  const out: DroppedIteration[] = [];
  for (const f of files) {
    const file = f.metrics ?? f.drops;
    if (file === null) return null;
    if (!existsSync(file)) return null; // k6 ended before it started its outputs
    out.push(...droppedIterationsOf(readFileSync(file, "utf8"), file));
  }
  return out;
}

/** Per second of the ramp from `rampFrom` (epoch ms): the sign-up arrivals k6 dropped in it; those outside the seconds are counted in the first or last. */
export function droppedPerSecond(drops: readonly DroppedIteration[], rampFrom: number, seconds: number): number[] {
  const out = new Array<number>(seconds).fill(0);
  for (const d of drops) {
    if (d.scenario !== SIGN_UP_SCENARIO) continue;
    out[Math.min(seconds - 1, Math.max(0, Math.floor((d.t - rampFrom) / 1000)))]++;
  }
  return out;
}
