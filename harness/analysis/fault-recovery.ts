// Everything the project reports about one fault: TTR, users back, backlog drain, reconnect
// storm, and what happened to the messages sent while it lasted.
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { MessageRecord } from "../record/message-records.ts";
import type { FaultRecord } from "../timeline/fault-timeline.ts";
import { connEvents, pathShare, peakRate, timeUntilConnected } from "./connection-timeline.ts";
import type { RecoveryBand } from "./recovery-band.ts";
import { timeToRecover, type Baseline, type Recovery } from "./time-to-recover.ts";

export interface FaultRecovery {
  /** the heal, or the kill for a relay crash */
  referenceAt: number;
  reference: "heal" | "kill";
  recovery: Recovery;
  /** ms from the reference until 99% of users are connected again (null: never) */
  usersBack99Ms: number | null;
  /** messages sent while the fault lasted: until the last of them was delivered */
  backlog: { sent: number; undelivered: number; drainMs: number | null };
  peakReconnectsPerS: number;
  peakConnectAttemptsPerS: number;
  failedAttempts: number;
  messages: { lostAfterAck: number; duplicates: number; neverAcked: number };
}

export interface FaultRecoveryInput {
  records: MessageRecord[];
  events: ClientEvent[];
  inject: FaultRecord;
  heal: FaultRecord | null;
  /** end of the evaluation: the next fault or the end of sending */
  until: number;
  users: number;
  baseline: Baseline;
  band: RecoveryBand;
}

export function faultRecovery(input: FaultRecoveryInput): FaultRecovery {
  const { records, inject, heal, until, band } = input;
  const isCrash = inject.kind === "relay-crash";
  const referenceAt = isCrash || !heal ? inject.appliedAt : heal.appliedAt;
  const faultEnd = heal?.appliedAt ?? until;
  const during = records.filter((r) => r.sentAt >= inject.requestedAt && r.sentAt < faultEnd);
  const undelivered = during.filter((r) => r.deliveries.length === 0).length;
  const lastDelivery = Math.max(faultEnd, ...during.filter((r) => r.deliveries.length > 0).map((r) => r.deliveries[0]));
  const conns = connEvents(input.events);
  const affected = records.filter((r) => r.sentAt >= inject.requestedAt && r.sentAt < until);
  return {
    referenceAt,
    reference: isCrash ? "kill" : "heal",
    recovery: timeToRecover(records, referenceAt, until, input.baseline, band),
    usersBack99Ms: timeUntilConnected(pathShare(conns, referenceAt, until + 30_000), input.users, 0.99, referenceAt),
    backlog: { sent: during.length, undelivered, drainMs: undelivered === 0 ? lastDelivery - faultEnd : null },
    peakReconnectsPerS: peakRate(conns, "ready", inject.requestedAt, until),
    peakConnectAttemptsPerS: peakRate(conns, "connecting", inject.requestedAt, until),
    failedAttempts: conns.filter((e) => e.kind === "failed" && e.t >= inject.requestedAt && e.t < until).length,
    messages: {
      lostAfterAck: affected.filter((r) => r.ackedAt !== null && r.deliveries.length === 0).length,
      duplicates: affected.reduce((n, r) => n + Math.max(0, r.deliveries.length - 1), 0),
      neverAcked: affected.filter((r) => r.ackedAt === null).length,
    },
  };
}
