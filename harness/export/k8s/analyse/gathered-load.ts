// The gathered records as the load drive would have returned them (DrivenLoad): the runners'
// records merged on one clock by the same code as --segments (clock-correction.ts,
// merge-instances.ts), the collector's fault records, and what the cluster does not give back left
// empty and said so. The fault records move from the collector's clock onto the merged one by the
// collector's own measured offset (fault-clock.ts). No k6 CPU samples (the guard reads the VUs' lag only), no relay /metrics and
// no server usage. A runner's exit code is not in its records: it is read as k6 sets it from its
// end-of-test summary (0 every threshold met, 99 one failed; null: no summary).
import { readFileSync } from "node:fs";
import { InputError } from "../../../errors.ts";
import { clockCorrections, clockOf } from "../../../load/segments/clock-correction.ts";
import { faultsOnMergedClock } from "../../../load/segments/fault-clock.ts";
import { combinedExitCode } from "../../../load/segments/instance-outcome.ts";
import type { InstanceRun } from "../../../load/segments/load-instances.ts";
import { mergeInstanceEvents } from "../../../load/segments/merge-instances.ts";
import { serverUsageFigures } from "../../../record/server-usage-sampler.ts";
import type { DrivenLoad } from "../../../run/drive-load.ts";
import type { GatheredFolder, GatheredRunner } from "./gathered-folder.ts";

const THRESHOLDS_FAILED = 99;

export function gatheredLoad(g: GatheredFolder): DrivenLoad {
  const perInstance = g.runners.map((r) => r.events);
  const clocks = perInstance.map(clockOf);
  const onMerged = faultsOnMergedClock(g.faults, clocks[0] ?? null, g.collectorClock.measured, g.collectorClock.why ?? "no estimate");
  const clock = { ...clockCorrections(clocks), faults: onMerged.clock };
  const events = mergeInstanceEvents(perInstance, clock.corrections.map((c) => c.correctionMs));
  const codes = g.runners.map(exitCodeOf);
  const instances: InstanceRun[] = g.runners.map((r, index) => ({ index, pid: null, exitCode: codes[index], events: r.events, usage: [] }));
  // the collector starts the timeline at the first start record a runner wrote: the run's start
  const starts = events.filter((e) => e.ev === "start").map((e) => e.t);
  const startedAt = starts.length ? Math.min(...starts) : null;
  // the first VU writes the start record; every runner writes records (its clock, its VUs' lag)
  const silent = g.runners.filter((r) => r.events.length === 0).map((r) => r.console);
  const k6ExitCode = combinedExitCode(codes);
  const error = silent.length ? `no client records in ${silent.join(", ")}`
    : startedAt === null ? `no start record in any runner's records (${g.runners.map((r) => r.console).join(", ")})`
    : k6ExitCode === null ? `no end-of-test summary from ${g.runners.filter((r) => r.summary === null).map((r) => r.folder).join(", ")}: the runner did not finish` : undefined;
  return {
    events, instances, clock, faults: onMerged.faults, relaySamples: [], k6Usage: [], serverUsage: [],
    serverUsageFigures: serverUsageFigures([], { error: "not sampled in the cluster (the collector reads no pod's CPU)" }),
    startedAt, k6ExitCode, ...(error ? { error } : {}),
  };
}

function exitCodeOf(r: GatheredRunner): number | null {
  if (r.summary === null) return null;
  let summary: { metrics?: Record<string, { thresholds?: Record<string, { ok: boolean }> }> };
  try {
    summary = JSON.parse(readFileSync(r.summary, "utf8"));
  } catch (e) {
    throw new InputError(`analyse: ${r.summary}: not valid JSON (${(e as Error).message})`);
  }
  const failed = Object.values(summary.metrics ?? {}).some((m) => Object.values(m.thresholds ?? {}).some((t) => !t.ok));
  return failed ? THRESHOLDS_FAILED : 0;
}
