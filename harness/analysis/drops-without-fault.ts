// Connections that dropped where no fault was in force: no fault window (from the inject's request,
// since a restart or a reset drops connections before its inject returns, to the heal plus the
// settle time) on the dropped connection's path, and no server fault (crash, restart, pause: they reach every path).
// The clients dropped them on their own evidence (a close, an error, a silence past the liveness
// limit), so each is the server's doing, or the network's outside the timeline. Counted by path and
// by the clients' reason, so a report can say what happened.
import type { ConnEvent } from "./connection-timeline.ts";
import type { FaultWindow } from "./fault-windows.ts";
import type { TimelineEntry } from "../timeline/timeline-entry.ts";

export interface DropsWithoutFault {
  count: number;
  byPath: Record<string, number>;
  byReason: Record<string, number>;
  /** the first one: when, whose connection, on which path, why */
  first: { t: number; user: number; path: string; reason: string } | null;
}

export function dropsWithoutFault(conns: ConnEvent[], windows: FaultWindow[], timeline: TimelineEntry[]): DropsWithoutFault {
  const pathsOf = new Map(timeline.map((e) => [e.index, e.paths]));
  const covered = (t: number, path: string) =>
    windows.some((w) => w.inject.requestedAt <= t && t < w.to && ((pathsOf.get(w.entry) ?? []).length === 0 || pathsOf.get(w.entry)!.includes(path)));
  const result: DropsWithoutFault = { count: 0, byPath: {}, byReason: {}, first: null };
  for (const e of conns) {
    if (e.kind !== "dropped" || covered(e.t, e.ep)) continue;
    const reason = e.reason ?? "unknown";
    result.count++;
    result.byPath[e.ep] = (result.byPath[e.ep] ?? 0) + 1;
    result.byReason[reason] = (result.byReason[reason] ?? 0) + 1;
    result.first ??= { t: e.t, user: e.user, path: e.ep, reason };
  }
  return result;
}
