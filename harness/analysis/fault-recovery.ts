// Everything the project reports about one fault: TTR, users back, backlog drain, reconnect
// storm, and what happened to the messages sent while it lasted.
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { MessageRecord } from "../record/message-records.ts";
import type { LeftForGood } from "../record/left-for-good.ts";
import { extraDeliveries, isLostByServer, isUnackedByServer } from "../record/message-predicates.ts";
import { recoveryReference, windowAt, type FaultWindow } from "./fault-windows.ts";
import { connEvents, pathShare, peakRate, timeUntilConnected } from "./connection-timeline.ts";
import type { RecoveryBand } from "./recovery-band.ts";
import { timeToRecover, type Baseline, type Recovery } from "./time-to-recover.ts";

export interface FaultRecovery {
  /** the heal, or the inject for kinds that recover from it (a relay crash) */
  referenceAt: number;
  reference: "heal" | "inject";
  recovery: Recovery;
  /** ms from the reference until 99% of users are connected again (null: never) */
  usersBack99Ms: number | null;
  /** messages of the fault's window sent before its heal, and from the heal until the last of them was delivered */
  backlog: { sent: number; undelivered: number; drainMs: number | null };
  peakReconnectsPerS: number;
  peakConnectAttemptsPerS: number;
  failedAttempts: number;
  messages: { lostAfterAck: number; duplicates: number; neverAcked: number };
}

export interface FaultRecoveryInput {
  records: MessageRecord[];
  events: ClientEvent[];
  /** the fault's window (harness/analysis/fault-windows.ts) */
  window: FaultWindow;
  /** every window of the run: extra deliveries are blamed on the window they happened in */
  windows: FaultWindow[];
  /** end of the recovery evaluation: the next fault or the end of sending */
  until: number;
  users: number;
  baseline: Baseline;
  band: RecoveryBand;
  leftForGood: LeftForGood;
}

export function faultRecovery(input: FaultRecoveryInput): FaultRecovery {
  const { records, window, windows, until, band } = input;
  const { at: referenceAt, reference } = recoveryReference(window);
  const inWindow = (t: number) => windowAt(windows, t) === window;
  const during = records.filter((r) => inWindow(r.sentAt));
  // the backlog: messages of the window sent before the heal took effect; it drains from the heal
  const faultEnd = window.healedAt ?? window.to;
  const backlog = during.filter((r) => r.sentAt < faultEnd);
  const undelivered = backlog.filter((r) => r.deliveries.length === 0).length;
  let lastDelivery = faultEnd;
  for (const r of backlog) if (r.deliveries.length > 0 && r.deliveries[0] > lastDelivery) lastDelivery = r.deliveries[0];
  const conns = connEvents(input.events);
  const from = window.inject.requestedAt;
  return {
    referenceAt,
    reference,
    recovery: timeToRecover(records, referenceAt, until, input.baseline, band),
    usersBack99Ms: timeUntilConnected(pathShare(conns, referenceAt, until + 30_000), input.users, 0.99, referenceAt),
    backlog: { sent: backlog.length, undelivered, drainMs: undelivered === 0 ? lastDelivery - faultEnd : null },
    // connection activity counts from the request: a reset drops users before its inject returns
    peakReconnectsPerS: peakRate(conns, "ready", from, until),
    peakConnectAttemptsPerS: peakRate(conns, "connecting", from, until),
    failedAttempts: conns.filter((e) => e.kind === "failed" && e.t >= from && e.t < until).length,
    messages: {
      lostAfterAck: during.filter((r) => isLostByServer(r, input.leftForGood)).length,
      // an extra delivery is the fault's when it happened in the fault's window, whenever the message was sent
      duplicates: records.reduce((n, r) => (extraDeliveries(r) === 0 ? n : n + r.deliveries.slice(1).filter(inWindow).length), 0),
      neverAcked: during.filter((r) => isUnackedByServer(r, input.leftForGood, band.lateMs)).length,
    },
  };
}
