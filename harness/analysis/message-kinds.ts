// Figures per kind of message (the scenario's tags, e.g. "chat" and "chain") and per phase the
// scenario announced (e.g. the storm): how many were sent, at what peak rate, how many arrived
// and how fast. This is how collateral damage shows: ordinary chats slowed by a chain-letter storm.
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { MessageRecord } from "../record/message-records.ts";
import { percentiles, type Percentiles } from "./percentiles.ts";

export interface KindFigures {
  sent: number;
  delivered: number;
  lostAfterAck: number;
  /** most messages of this kind sent within one second */
  peakSentPerS: number;
  latencyMs: Percentiles;
}

export interface PhaseFigures {
  name: string;
  from: number;
  to: number;
  byTag: Record<string, KindFigures>;
}

export function kindFigures(records: MessageRecord[]): KindFigures {
  const perSecond = new Map<number, number>();
  for (const r of records) perSecond.set(Math.floor(r.sentAt / 1000), (perSecond.get(Math.floor(r.sentAt / 1000)) ?? 0) + 1);
  return {
    sent: records.length,
    delivered: records.filter((r) => r.deliveries.length > 0).length,
    lostAfterAck: records.filter((r) => r.ackedAt !== null && r.deliveries.length === 0).length,
    peakSentPerS: Math.max(0, ...perSecond.values()),
    latencyMs: percentiles(records.filter((r) => r.latencyMs !== null).map((r) => r.latencyMs!)),
  };
}

export function byTag(records: MessageRecord[]): Record<string, KindFigures> {
  const groups = new Map<string, MessageRecord[]>();
  for (const r of records) {
    const tag = r.tag ?? "untagged";
    const group = groups.get(tag);
    if (group) group.push(r);
    else groups.set(tag, [r]);
  }
  return Object.fromEntries([...groups].map(([tag, rs]) => [tag, kindFigures(rs)]));
}

/** The phases the scenario announced, plus "before" the first one, each with figures per tag. */
export function phaseFigures(records: MessageRecord[], events: ClientEvent[], sendingWindow: { from: number; to: number }): PhaseFigures[] {
  const marks = events.filter((e): e is Extract<ClientEvent, { ev: "phase" }> => e.ev === "phase");
  const phases: PhaseFigures[] = [];
  for (const start of marks.filter((m) => m.edge === "start")) {
    const end = marks.find((m) => m.edge === "end" && m.name === start.name && m.t >= start.t)?.t ?? sendingWindow.to;
    phases.push({ name: start.name, from: start.t, to: end, byTag: byTag(records.filter((r) => r.sentAt >= start.t && r.sentAt < end)) });
  }
  if (phases.length === 0) return [];
  const first = Math.min(...phases.map((p) => p.from));
  return [{ name: "before", from: sendingWindow.from, to: first, byTag: byTag(records.filter((r) => r.sentAt >= sendingWindow.from && r.sentAt < first)) }, ...phases];
}
