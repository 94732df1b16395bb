// The restart scenarios' figure across the run: relay start time and time to recover against the
// stored backlog size, one point per scenario whose timeline restarts or crashes the relay.
import type { SummaryScenario } from "./report-input.ts";

export interface RestartPoint { scenario: string; backlog: number; startupMs: number | null; ttrMs: number | null; queuedLoaded: number | null }

const RELAY_FAULTS = new Set(["relay-restart", "relay-crash"]);

export function restartPoints(scenarios: SummaryScenario[]): RestartPoint[] {
  const points: RestartPoint[] = [];
  for (const s of scenarios) {
    const windows = (s.figures?.windows ?? []).filter((w) => RELAY_FAULTS.has(w.kind ?? ""));
    if (windows.length === 0) continue;
    const firstKill = Math.min(...windows.map((w) => w.injectedAt ?? Infinity));
    const restarts = (s.relay?.startups ?? []).filter((u) => epochMs(u.time) >= firstKill);
    const startupMs = max(restarts.map((u) => u.startupMs));
    const ttrMs = max(windows.map((w) => (w.recovery?.recovery?.recovered ? (w.recovery.recovery.ttrMs ?? null) : null)));
    const backlog = s.relay?.backlog?.messages ?? (typeof s.load?.backlog === "number" ? s.load.backlog : 0);
    points.push({ scenario: s.name, backlog, startupMs, ttrMs, queuedLoaded: max(restarts.map((u) => u.queuedLoaded)) });
  }
  return points.sort((a, b) => a.backlog - b.backlog);
}

function max(values: (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === "number");
  return known.length ? Math.max(...known) : null;
}

/** Start-up times are ISO strings in summary.json (ms since the epoch accepted too). */
function epochMs(time: string | number | null | undefined): number {
  if (typeof time === "number") return time;
  const parsed = Date.parse(time ?? "");
  return Number.isFinite(parsed) ? parsed : 0;
}
