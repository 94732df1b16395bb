// The one definition of "during a fault", used by every figure and checker.
//
// A fault's window runs from the moment its inject took effect (appliedAt of the inject) to the
// moment its heal took effect (appliedAt of the heal), plus a settle time for effects that show
// just after the heal (reconnects, queued deliveries). A fault never healed runs to `end`.
// A message belongs to the window in which it was SENT. An effect that shows later than the
// message (a redelivery after a restart, a late delivery) is blamed on the window in which the
// effect HAPPENED. Where windows overlap, the fault injected most recently wins.
import { FAULT_KINDS } from "../faults/registry.ts";
import type { FaultRecord } from "../timeline/fault-timeline.ts";

export interface FaultWindow {
  /** timeline entry index */
  entry: number;
  kind: string;
  target: string;
  /** "timeline[1] relay-crash": how blame is written in reports */
  label: string;
  /** the inject took effect */
  from: number;
  /** the heal took effect (null: never healed) */
  healedAt: number | null;
  /** healedAt (or the end) plus the settle time: the window is [from, to) */
  to: number;
  /** the inject as recorded: requested and applied times */
  inject: FaultRecord;
  heal: FaultRecord | null;
  /** the kind's meaning (harness/faults/<kind>.ts) */
  blocksPaths: boolean;
  recoveryFrom: "inject" | "heal";
}

export const NO_FAULT = "none";

/** One window per injected timeline entry, in order of injection. */
export function faultWindows(faults: FaultRecord[], settleMs: number, end: number): FaultWindow[] {
  const windows: FaultWindow[] = [];
  for (const inject of faults) {
    if (inject.event !== "inject" || windows.some((w) => w.entry === inject.entry)) continue;
    const heal = faults.find((f) => f.event === "heal" && f.entry === inject.entry && f.appliedAt >= inject.appliedAt) ?? null;
    const kind = FAULT_KINDS[inject.kind];
    windows.push({
      entry: inject.entry, kind: inject.kind, target: inject.target, label: `timeline[${inject.entry}] ${inject.kind}`,
      from: inject.appliedAt, healedAt: heal?.appliedAt ?? null, to: Math.max(inject.appliedAt, (heal?.appliedAt ?? end) + (heal ? settleMs : 0)),
      inject, heal,
      blocksPaths: kind?.blocksPaths ?? false, recoveryFrom: kind?.recoveryFrom ?? "heal",
    });
  }
  return windows.sort((a, b) => a.from - b.from);
}

/** The window a moment falls in (the most recently injected where several do), or null. */
export function windowAt(windows: FaultWindow[], t: number): FaultWindow | null {
  let hit: FaultWindow | null = null;
  for (const w of windows) {
    if (w.from > t) break;
    if (t < w.to) hit = w;
  }
  return hit;
}

/** The label of the window a moment falls in, or "none". */
export function blameAt(windows: FaultWindow[], t: number): string {
  return windowAt(windows, t)?.label ?? NO_FAULT;
}

/**
 * The fault a redelivery at `t` is blamed on: the window it falls in, else the last fault that
 * began before it. A relay delivers again only after a client reconnected, and reconnects come
 * from faults; after a slow restart (a container, a large backlog) the reconnect can come after
 * the window's settle time. "none" only when no fault began before it.
 */
export function blameRedeliveryAt(windows: FaultWindow[], t: number): string {
  const at = windowAt(windows, t);
  if (at) return at.label;
  let last: FaultWindow | null = null;
  for (const w of windows) {
    if (w.from > t) break;
    last = w;
  }
  return last?.label ?? NO_FAULT;
}

/**
 * The fault an effect that lasted from `from` to `to` is blamed on (a message that was late): the
 * window it was sent in, else the first window the interval reached (the first fault that found it
 * still in flight), or "none".
 */
export function blameSpan(windows: FaultWindow[], from: number, to: number): string {
  const at = windowAt(windows, from);
  if (at) return at.label;
  let hit: FaultWindow | null = null;
  for (const w of windows) {
    if (w.from >= to) break;
    if (w.to > from && hit === null) hit = w;
  }
  return hit?.label ?? NO_FAULT;
}

/** When time to recover counts from: the inject for kinds that recover from it (a crash), else the heal. */
export function recoveryReference(w: FaultWindow): { at: number; reference: "heal" | "inject" } {
  if (w.recoveryFrom === "inject" || w.healedAt === null) return { at: w.from, reference: "inject" };
  return { at: w.healedAt, reference: "heal" };
}

/** Start of the first window (or `fallback` when there was no fault). */
export function firstFaultAt(windows: FaultWindow[], fallback: number): number {
  return windows.length ? Math.min(fallback, windows[0].from) : fallback;
}
