// The bench's rows for a stepped search against one server (the reference relay, Prosody,
// ejabberd): the rate the harness sustained (never a 0 standing for "nothing passed": a search
// whose steps all missed says so, with the judge's reasons), and the server's own CPU at the lowest
// rate that missed, with what missed. Also the same figures as data for bench.json.
import type { TargetName } from "../harness/targets/target.ts";
import { fmt, ratio, type Row } from "./bench-row.ts";
import type { SearchResult } from "./stepped-search.ts";

type Step = SearchResult["steps"][number];

/** The step at the lowest rate that missed; null when every step passed. */
export function lowestMissed(search: SearchResult): Step | null {
  return search.steps.filter((s) => !s.passed).sort((a, b) => a.load.rate - b.load.rate)[0] ?? null;
}

/** the step the server CPU row describes: the lowest missed, else the highest rate asked */
function cpuStep(search: SearchResult): Step | null {
  return lowestMissed(search) ?? [...search.steps].sort((a, b) => b.load.rate - a.load.rate)[0] ?? null;
}

const firstMissed = (search: SearchResult) => search.steps.length > 0 && !search.steps[0].passed;

/**
 * What a search sustained, as a row's value: the best passing step's delivered rate, noting a
 * missed first step or a search that stopped at its cap; "none" (not 0) when every step missed.
 */
export function throughputValue(search: SearchResult): string {
  const best = search.best;
  if (search.steps.length === 0) return `not measured: ${search.error ?? "no step ran"}`;
  if (!best) return `none: every step missed (${search.steps.map((s) => fmt(s.load.rate)).join(", ")} msgs/s)${search.error ? `, then: ${search.error}` : ""}`;
  if (search.error) return `${fmt(best.deliveredPerS)} (the search stopped early: ${search.error})`;
  if (firstMissed(search)) return `${fmt(best.deliveredPerS)} (the first step, ${fmt(search.steps[0].load.rate)} msgs/s, missed)`;
  if (!lowestMissed(search)) return `${fmt(best.deliveredPerS)} (no step missed; the search stops at ${fmt(search.maxRate)} msgs/s)`;
  return fmt(best.deliveredPerS);
}

/** every missed step's rate and the judge's why, lowest rate first */
export function whyMissed(search: SearchResult): string {
  return search.steps.filter((s) => !s.passed).sort((a, b) => a.load.rate - b.load.rate).map((s) => `${fmt(s.load.rate)} msgs/s: ${s.why}`).join("; ");
}

/** "harness throughput against prosody, full": the server's search against the relay's in the same crypto mode. */
export function serverThroughputRow(search: SearchResult, relay: SearchResult | null): Row {
  const relayBest = relay?.best?.deliveredPerS ?? null;
  const relayText = relay ? `relay ${relay.crypto} ${relayBest === null ? "none passed" : fmt(relayBest)}` : "relay not measured";
  const missed = whyMissed(search);
  const against = search.best || !missed ? relayText : `${relayText}; missed ${missed}`;
  return {
    figure: `harness throughput against ${search.target}, ${search.crypto} (delivered msgs/s)`,
    value: throughputValue(search), against, ratio: ratio(search.best?.deliveredPerS, relayBest),
  };
}

/** "server CPU at the lowest missed rate, prosody (cores at 500 msgs/s)": the server's mean CPU and peak memory in that step's window, with what missed. */
export function serverCpuRow(search: SearchResult, machineCores: number): Row {
  const step = cpuStep(search);
  const missed = lowestMissed(search);
  if (!step) return { figure: `server CPU, ${search.target}`, value: `- (not measured: ${search.error ?? "no step ran"})`, against: "-", ratio: "-" };
  const where = missed ? "at the lowest missed rate" : "at the highest rate (nothing missed)";
  const cpu = step.server.cpuCores;
  return {
    figure: `server CPU ${where}, ${search.target} (cores at ${fmt(step.load.rate)} msgs/s)`,
    value: cpu === null ? `- (not measured: ${step.server.note ?? "no sample"})` : `${cpu.toFixed(2)} cores, peak ${step.server.rssMbPeak ?? "-"} MB RSS`,
    against: `${missed ? "missed" : "passed"}: ${step.why}; k6 ${step.k6Cores ?? "-"} cores`,
    ratio: cpu === null ? "-" : `${(cpu / machineCores).toFixed(2)} of ${machineCores} cores`,
  };
}

/** The rows a server's search adds: its throughput against the relay's (not for the relay itself), then its CPU row. */
export function serverRows(search: SearchResult, relay: SearchResult | null, machineCores: number): Row[] {
  return [...(search.target === "relay" ? [] : [serverThroughputRow(search, relay)]), serverCpuRow(search, machineCores)];
}

export interface ServerSummary {
  target: TargetName;
  version: string | null;
  crypto: SearchResult["crypto"];
  /** the best passing step's delivered rate; null: every step missed */
  deliveredPerS: number | null;
  missedFirstStep: boolean;
  /** why the search stopped before it was done (a run without a verdict); null: it ran to its end */
  error: string | null;
  lowestMissed: { rate: number; why: string; serverCpuCores: number | null; serverCpuCoresPeak: number | null; serverRssMbPeak: number | null; k6Cores: number | null } | null;
  steps: { rate: number; passed: boolean; why: string; deliveredPerS: number; p99Ms: number | null; k6Cores: number | null; serverCpuCores: number | null; serverRssMbPeak: number | null }[];
}

/** The search's figures for bench.json (every step's full figures are in `searches` beside it). */
export function serverSummary(search: SearchResult): ServerSummary {
  const missed = lowestMissed(search);
  return {
    target: search.target, version: search.steps.find((s) => s.server.version)?.server.version ?? null, crypto: search.crypto,
    deliveredPerS: search.best?.deliveredPerS ?? null, missedFirstStep: firstMissed(search), error: search.error,
    lowestMissed: missed ? { rate: missed.load.rate, why: missed.why, serverCpuCores: missed.server.cpuCores, serverCpuCoresPeak: missed.server.cpuCoresPeak, serverRssMbPeak: missed.server.rssMbPeak, k6Cores: missed.k6Cores } : null,
    steps: search.steps.map((s) => ({ rate: s.load.rate, passed: s.passed, why: s.why, deliveredPerS: s.deliveredPerS, p99Ms: s.p99Ms, k6Cores: s.k6Cores, serverCpuCores: s.server.cpuCores, serverRssMbPeak: s.server.rssMbPeak })),
  };
}
