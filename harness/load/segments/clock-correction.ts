// Puts every k6 instance's records on one clock: instance 0's, the one whose start record starts
// the fault timeline. Each instance measured the server's clock minus its own (clock-probe.ts,
// `offsetMs +- boundMs`), so instance i's time t is t + (offset_i - offset_0) on instance 0's clock,
// within bound_i + bound_0. A difference the measurements cannot tell from zero (within that bound)
// is not applied: instances on one machine share a clock, and a correction of noise would only move
// a delivery before its send. Either way the residual error is at most bound_i + bound_0.
import type { ClientEvent } from "../../../scenarios/lib/client-events.ts";
import type { FaultClock } from "./fault-clock.ts";

export type ClockRecord = Extract<ClientEvent, { ev: "clock" }>;

export interface ClockCorrection {
  instance: number;
  /** what the instance measured (null: no measurement, e.g. an XMPP server sends no time) */
  measured: { offsetMs: number; boundMs: number; samples: number } | null;
  /** added to every time of the instance's records */
  correctionMs: number;
  /** how far the corrected times can still be from instance 0's clock, ms (null: unknown) */
  residualBoundMs: number | null;
}

export interface MergedClock {
  /** the instance whose clock the merged log uses */
  reference: number;
  /** the largest residual bound of any instance, ms (null: an instance could not be measured) */
  residualBoundMs: number | null;
  corrections: ClockCorrection[];
  /** the fault records' clock, when another clock than the reference's stamped them (fault-clock.ts) */
  faults?: FaultClock;
}

/** The instance's clock measurement: its first clock record (null: none). */
export function clockOf(events: readonly ClientEvent[]): ClockRecord | null {
  for (const e of events) if (e.ev === "clock") return e;
  return null;
}

/** A clock measured against the server: the server's clock minus this one, +- boundMs. */
export interface MeasuredClock { offsetMs: number; boundMs: number }

/**
 * What moves times of the `other` clock onto the `reference` clock, both measured against the same
 * server: their offsets' difference when the measurements can tell it from zero, else 0; within the
 * sum of their bounds (null: either was not measured, nothing is moved).
 */
export function relativeCorrection(reference: MeasuredClock | null, other: MeasuredClock | null): { correctionMs: number; residualBoundMs: number | null } {
  if (!reference || !other) return { correctionMs: 0, residualBoundMs: null };
  const difference = other.offsetMs - reference.offsetMs;
  const bound = other.boundMs + reference.boundMs;
  return { correctionMs: Math.abs(difference) > bound ? round(difference) : 0, residualBoundMs: round(bound) };
}

export function clockCorrections(clocks: readonly (ClockRecord | null)[]): MergedClock {
  const ref = clocks[0] ?? null;
  const corrections = clocks.map((c, instance): ClockCorrection => {
    const measured = c ? { offsetMs: c.offsetMs, boundMs: c.boundMs, samples: c.samples } : null;
    if (instance === 0) return { instance, measured, correctionMs: 0, residualBoundMs: 0 };
    return { instance, measured, ...relativeCorrection(ref, c) };
  });
  const bounds = corrections.map((c) => c.residualBoundMs);
  return { reference: 0, residualBoundMs: bounds.some((b) => b === null) ? null : Math.max(...(bounds as number[])), corrections };
}

const round = (v: number) => Math.round(v * 10) / 10;
