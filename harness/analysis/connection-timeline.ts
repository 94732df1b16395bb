// Who is connected, and through which path, over time; reconnect rates; time until most users
// are back. Built from the `conn` records by one sweep in time order.
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";

export type ConnEvent = Extract<ClientEvent, { ev: "conn" }>;

export interface PathShareSample {
  t: number;
  connected: number;
  byPath: Record<string, number>;
}

export function connEvents(events: ClientEvent[]): ConnEvent[] {
  return events.filter((e): e is ConnEvent => e.ev === "conn").sort((a, b) => a.t - b.t);
}

/** Per second from `from` to `to`: connected users and the path each is connected through. */
export function pathShare(events: ConnEvent[], from: number, to: number, stepMs = 1000): PathShareSample[] {
  const current = new Map<number, string | null>();
  const samples: PathShareSample[] = [];
  let i = 0;
  for (let t = from; t <= to; t += stepMs) {
    for (; i < events.length && events[i].t <= t; i++) {
      const e = events[i];
      if (e.kind === "ready") current.set(e.user, e.ep);
      else if (e.kind === "dropped" || e.kind === "failed" || e.kind === "connecting") current.set(e.user, null);
    }
    const byPath: Record<string, number> = {};
    let connected = 0;
    for (const path of current.values()) {
      if (path === null) continue;
      connected++;
      byPath[path] = (byPath[path] ?? 0) + 1;
    }
    samples.push({ t, connected, byPath });
  }
  return samples;
}

/** Highest count of `kind` records in any one bucket within [from, to]. */
export function peakRate(events: ConnEvent[], kind: ConnEvent["kind"], from: number, to: number, bucketMs = 1000): number {
  const counts = new Map<number, number>();
  for (const e of events) {
    if (e.kind !== kind || e.t < from || e.t > to) continue;
    const bucket = Math.floor((e.t - from) / bucketMs);
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values()) * (1000 / bucketMs);
}

/** First time at or after `from` when at least `share` of `users` are connected, or null. */
export function timeUntilConnected(samples: PathShareSample[], users: number, share: number, from: number): number | null {
  const hit = samples.find((s) => s.t >= from && s.connected >= Math.ceil(users * share));
  return hit ? hit.t - from : null;
}
