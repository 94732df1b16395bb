// The highest message rate the harness sustains end to end in one crypto mode against one target
// (the reference relay, Prosody or ejabberd): rates doubling from a start until a step misses
// (delivery p99 at or above the bound, less than 95% of the asked rate delivered, or the load
// generator saturated in the window) or the next would pass maxRate, then one step halfway back.
// Every step is a real `npm run chaos` run, so a search of n doublings is at most n + 1 runs.
import { DEFAULT_TARGET, type TargetName } from "../harness/targets/target.ts";
import type { CryptoMode } from "../scenarios/lib/scenario-settings.ts";
import { ChaosRunError, chaosRun, type WindowFigures } from "./chaos-run.ts";
import { formatShare } from "./machine-share.ts";

export const P99_BOUND_MS = 250;

export interface SearchOptions {
  /** the server under test; default the reference relay */
  target?: TargetName;
  crypto: CryptoMode;
  /** k6 instances each step runs (`npm run chaos -- --segments N`); default 1 */
  segments?: number;
  users: number;
  startRate: number;
  maxRate: number;
  durationS: number;
  warmupS: number;
  benchDir: string;
  log: (line: string) => void;
}

export interface SearchResult {
  target: TargetName;
  crypto: CryptoMode;
  /** the highest rate the search would ask for */
  maxRate: number;
  /** the best step that passed, or null when even the first missed */
  best: WindowFigures | null;
  steps: (WindowFigures & { passed: boolean; why: string })[];
  /** a step whose run ended without a verdict (the server not installed, ...): the search stopped there */
  error: string | null;
}

export function judgeStep(step: WindowFigures): { passed: boolean; why: string } {
  const asked = step.load.rate;
  if (step.generatorSaturated) return { passed: false, why: `generator saturated (${step.saturationReason})` };
  if (step.p99Ms === null || step.p99Ms >= P99_BOUND_MS) return { passed: false, why: `p99 ${step.p99Ms ?? "-"} ms >= ${P99_BOUND_MS} ms` };
  if (step.deliveredPerS < asked * 0.95) return { passed: false, why: `delivered ${step.deliveredPerS}/s < 95% of ${asked}/s` };
  return { passed: true, why: `p99 ${step.p99Ms} ms, ${step.deliveredPerS}/s delivered` };
}

export async function steppedSearch(o: SearchOptions): Promise<SearchResult> {
  const steps: SearchResult["steps"] = [];
  const target = o.target ?? DEFAULT_TARGET;
  const segments = o.segments ?? 1;
  const name = `${target === DEFAULT_TARGET ? o.crypto : `${target} ${o.crypto}`}${segments > 1 ? `, --segments ${segments}` : ""}`;
  const run = async (rate: number) => {
    o.log(`  ${name}: ${rate} msg/s with ${o.users} users ...`);
    const figures = await chaosRun({ users: o.users, rate, crypto: o.crypto, durationS: o.durationS, warmupS: o.warmupS, target, segments }, o.benchDir, o.log);
    const step = { ...figures, ...judgeStep(figures) };
    const server = `${target} ${step.server.cpuCores ?? "-"} cores, ${step.server.rssMbPeak ?? "-"} MB`;
    o.log(`  ${name}: ${rate} msg/s -> ${step.passed ? "pass" : "miss"}: ${step.why}; k6 ${step.k6CpuUsPerMsg ?? "-"} us/msg, ${step.k6Cores ?? "-"} cores; ${server}${step.machine ? `; machine: ${formatShare(step.machine)} cores` : ""}`);
    steps.push(step);
    return step;
  };
  let error: string | null = null;
  try {
    let rate = o.startRate;
    let lastPass: number | null = null;
    while (rate <= o.maxRate) {
      if (!(await run(rate)).passed) break;
      lastPass = rate;
      rate *= 2;
    }
    const missed = rate <= o.maxRate ? rate : null;
    if (missed !== null) {
      const middle = Math.round(((lastPass ?? missed / 2) + missed) / 2);
      if (middle !== lastPass && middle !== missed) await run(middle);
    }
  } catch (e) {
    if (!(e instanceof ChaosRunError)) throw e;
    error = e.message;
    o.log(`  ${name}: search stopped: ${error}`);
  }
  const passed = steps.filter((s) => s.passed).sort((a, b) => b.deliveredPerS - a.deliveredPerS);
  return { target, crypto: o.crypto, maxRate: o.maxRate, best: passed[0] ?? null, steps, error };
}

