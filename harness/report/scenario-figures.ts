// Headline figures of one scenario run, computed from the recorded data only.
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { connEvents, pathShare, type PathShareSample } from "../analysis/connection-timeline.ts";
import { failoverTimes, type FailoverTimes } from "../analysis/failover-times.ts";
import { faultRecovery, type FaultRecovery } from "../analysis/fault-recovery.ts";
import { byTag, phaseFigures, type KindFigures, type PhaseFigures } from "../analysis/message-kinds.ts";
import type { RecoveryBand } from "../analysis/recovery-band.ts";
import type { Baseline } from "../analysis/time-to-recover.ts";
import type { MessageRecord } from "../record/message-records.ts";
import type { FaultRecord } from "../timeline/fault-timeline.ts";
import type { TimelineEntry } from "../timeline/timeline-entry.ts";
import { percentiles, type Percentiles } from "./percentiles.ts";

export interface WindowFigures {
  from: number;
  to: number;
  sent: number;
  delivered: number;
  latencyMs: Percentiles;
}

/** A fault's effect: messages sent before the first fault, while it was active, and after its heal until the next fault. */
export interface FaultWindow {
  entry: number;
  kind: string;
  target: string;
  injectedAt: number | null;
  healedAt: number | null;
  before: WindowFigures;
  during: WindowFigures | null;
  after: WindowFigures | null;
  recovery: FaultRecovery;
  /** path faults only: users on the blocked paths, and how fast they got onto an open one */
  failover: FailoverTimes | null;
}

export interface ScenarioFigures {
  messages: {
    sent: number;
    acked: number;
    delivered: number;
    /** acknowledged by the relay and never delivered: the one loss that must not happen */
    lostAfterAck: number;
    neverAcked: number;
    duplicates: number;
    decryptFailures: number;
    rejected: number;
  };
  deliveryLatencyMs: Percentiles;
  /** the steady phase before the first fault: what recovery is measured against */
  baseline: Baseline & { from: number; to: number; sent: number };
  recoveryBand: RecoveryBand;
  connections: { drops: number; failovers: number; failedAttempts: number; backoffs: number };
  windows: FaultWindow[];
  /** once a second over the sending window: users connected, and through which path */
  pathShare: PathShareSample[];
  /** per kind of message the scenario sent */
  byTag: Record<string, KindFigures>;
  /** per phase the scenario announced (empty when it announced none) */
  phases: PhaseFigures[];
}

/** Messages sent in [from, to): how many, how many arrived, and how fast. */
export function windowFigures(records: MessageRecord[], from: number, to: number): WindowFigures {
  const inside = records.filter((r) => r.sentAt >= from && r.sentAt < to);
  const delivered = inside.filter((r) => r.latencyMs !== null);
  return { from, to, sent: inside.length, delivered: delivered.length, latencyMs: percentiles(delivered.map((r) => r.latencyMs!)) };
}

export interface FigureInput {
  records: MessageRecord[];
  events: ClientEvent[];
  faults: FaultRecord[];
  timeline: TimelineEntry[];
  sendingWindow: { from: number; to: number };
  users: number;
  band: RecoveryBand;
}

export function scenarioFigures({ records, events, faults, timeline, sendingWindow, users, band }: FigureInput): ScenarioFigures {
  const conns = connEvents(events);
  const conn = (kind: string) => conns.filter((e) => e.kind === kind).length;
  const injects = faults.filter((f) => f.event === "inject");
  const firstFault = Math.min(sendingWindow.to, ...injects.map((f) => f.requestedAt));
  const before = windowFigures(records, sendingWindow.from, firstFault);
  const baseline = { from: before.from, to: before.to, sent: before.sent, successRate: before.sent ? before.delivered / before.sent : null, p95Ms: before.latencyMs.p95 };
  const windows = [...new Set(injects.map((f) => f.entry))].map((entry): FaultWindow => {
    const inject = injects.find((f) => f.entry === entry)!;
    const heal = faults.find((f) => f.event === "heal" && f.entry === entry) ?? null;
    const blocked = blockedPaths(timeline, entry);
    const nextFault = Math.min(sendingWindow.to, ...injects.filter((f) => f.requestedAt > (heal?.appliedAt ?? inject.appliedAt)).map((f) => f.requestedAt));
    return {
      entry, kind: inject.kind, target: inject.target, injectedAt: inject.appliedAt, healedAt: heal?.appliedAt ?? null,
      before,
      during: windowFigures(records, inject.appliedAt, heal?.requestedAt ?? sendingWindow.to),
      after: heal ? windowFigures(records, heal.appliedAt, nextFault) : null,
      recovery: faultRecovery({ records, events, inject, heal, until: nextFault, users, baseline, band }),
      failover: blocked ? failoverTimes(conns, blocked, inject.requestedAt, heal?.appliedAt ?? sendingWindow.to) : null,
    };
  });
  return {
    messages: {
      sent: records.length,
      acked: records.filter((r) => r.ackedAt !== null).length,
      delivered: records.filter((r) => r.deliveries.length > 0).length,
      lostAfterAck: records.filter((r) => r.ackedAt !== null && r.deliveries.length === 0).length,
      neverAcked: records.filter((r) => r.ackedAt === null).length,
      duplicates: records.reduce((n, r) => n + Math.max(0, r.deliveries.length - 1), 0),
      decryptFailures: records.filter((r) => r.decryptFailed).length,
      rejected: records.filter((r) => r.rejected !== null).length,
    },
    deliveryLatencyMs: percentiles(records.filter((r) => r.latencyMs !== null).map((r) => r.latencyMs!)),
    baseline,
    recoveryBand: band,
    connections: { drops: conn("dropped"), failovers: conn("failover"), failedAttempts: conn("failed"), backoffs: conn("backoff") },
    windows,
    pathShare: pathShare(conns, sendingWindow.from, sendingWindow.to),
    byTag: byTag(records),
    phases: phaseFigures(records, events, sendingWindow),
  };
}

const BLOCKING_KINDS = new Set(["blackhole", "reset"]);

function blockedPaths(timeline: TimelineEntry[], index: number): string[] | null {
  const entry = timeline.find((e) => e.index === index);
  return entry && BLOCKING_KINDS.has(entry.kind) ? entry.paths : null;
}
