// Headline figures of one scenario run, computed from the recorded data only. Their shape is
// summary.json's (harness/report/summary/figures-schema.ts).
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { connEvents, pathShare } from "./connection-timeline.ts";
import { dropsWithoutFault } from "./drops-without-fault.ts";
import { failoverTimes } from "./failover-times.ts";
import { faultRecovery } from "./fault-recovery.ts";
import type { LeftForGood } from "../record/left-for-good.ts";
import { byTag, phaseFigures } from "./message-kinds.ts";
import type { RecoveryBand } from "./recovery-band.ts";
import { faultWindows, firstFaultAt, windowAt } from "./fault-windows.ts";
import { extraDeliveries, isAcked, isCorrupted, isDelivered, isHello, isLostByServer, isUnackedByServer, sessionsUpAt, wireRedeliveries } from "../record/message-predicates.ts";
import type { MessageRecord } from "../record/message-records.ts";
import type { FaultRecord } from "../timeline/fault-timeline.ts";
import type { TimelineEntry } from "../timeline/timeline-entry.ts";
import { percentiles } from "./percentiles.ts";
import type { FaultWindowFigures, WindowFigures } from "../report/summary/fault-window-schema.ts";
import type { ScenarioFigures } from "../report/summary/figures-schema.ts";

export type { FaultWindowFigures, ScenarioFigures, WindowFigures };

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
  /** users that ended their session for good (surge newcomers): what can no longer reach them, or be acknowledged to them, is not counted lost or unacknowledged */
  leftForGood: LeftForGood;
}

export function scenarioFigures({ records: all, events, faults, timeline, sendingWindow, users, band, leftForGood }: FigureInput): ScenarioFigures {
  const conns = connEvents(events);
  const conn = (kind: string) => conns.filter((e) => e.kind === kind).length;
  // the warm-up greetings set sessions up: they are counted as messages, never in latency figures or recovery
  const records = all.filter((r) => !isHello(r));
  const spans = faultWindows(faults, band.settleMs, sendingWindow.to);
  const firstFault = firstFaultAt(spans, sendingWindow.to);
  const sessionsUp = sessionsUpAt(all);
  const baselineFrom = sessionsUp !== null && sessionsUp > sendingWindow.from && sessionsUp < firstFault ? sessionsUp : sendingWindow.from;
  const before = windowFigures(records, baselineFrom, firstFault);
  const baseline = {
    from: before.from, to: before.to, sent: before.sent, successRate: before.sent ? before.delivered / before.sent : null, p95Ms: before.latencyMs.p95,
    startsAt: baselineFrom === sendingWindow.from ? "warm-up end" as const : "sessions up" as const,
    excludes: "warm-up and hello messages (session set-up)",
  };
  const windows = spans.map((span): FaultWindowFigures => {
    const timelineEntry = timeline.find((e) => e.index === span.entry);
    const blocked = span.blocksPaths && timelineEntry ? timelineEntry.paths : null;
    const next = spans.find((s) => s.from >= span.to);
    const nextFault = Math.min(sendingWindow.to, next?.from ?? Infinity);
    return {
      entry: span.entry, kind: span.kind, target: span.target, injectedAt: span.from, healedAt: span.healedAt,
      before,
      during: windowFigures(records.filter((r) => windowAt(spans, r.sentAt) === span), span.from, span.to),
      after: span.healedAt !== null ? windowFigures(records, span.to, Math.max(span.to, nextFault)) : null,
      recovery: faultRecovery({ records, events, window: span, windows: spans, until: nextFault, users, baseline, band, leftForGood }),
      // failover counts from the request: a reset drops users before its inject returns
      failover: blocked ? failoverTimes(conns, blocked, span.inject.requestedAt, span.healedAt ?? sendingWindow.to) : null,
    };
  });
  return {
    messages: {
      sent: all.length,
      acked: all.filter(isAcked).length,
      delivered: all.filter(isDelivered).length,
      lostAfterAck: all.filter((r) => isLostByServer(r, leftForGood)).length,
      neverAcked: all.filter((r) => isUnackedByServer(r, leftForGood, band.lateMs)).length,
      duplicates: all.reduce((n, r) => n + extraDeliveries(r), 0),
      redeliveredOnWire: all.reduce((n, r) => n + wireRedeliveries(r), 0),
      decryptFailures: all.filter(isCorrupted).length,
      rejected: all.filter((r) => r.rejected !== null).length,
    },
    deliveryLatencyMs: percentiles(records.filter((r) => r.latencyMs !== null).map((r) => r.latencyMs!)),
    baseline,
    recoveryBand: band,
    connections: { drops: conn("dropped"), failovers: conn("failover"), failedAttempts: conn("failed"), backoffs: conn("backoff"), dropsWithoutFault: dropsWithoutFault(conns, spans, timeline) },
    windows,
    pathShare: pathShare(conns, sendingWindow.from, sendingWindow.to),
    byTag: byTag(records),
    phases: phaseFigures(records, events, sendingWindow),
  };
}


