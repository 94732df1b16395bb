// For a fault that blocks some paths: how long each user who was on a blocked path took to be
// logged in again through a path that was not blocked.
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { percentiles, type Percentiles } from "./percentiles.ts";

type ConnEvent = Extract<ClientEvent, { ev: "conn" }>;

export interface FailoverTimes {
  /** users connected through a blocked path when the block began */
  affectedUsers: number;
  /** ms from the block to a login through an open path, for the users who made it */
  failoverMs: Percentiles;
  /** affected users still without an open path when the block ended */
  stranded: number;
}

export function failoverTimes(conns: ConnEvent[], blockedPaths: string[], blockedAt: number, until: number): FailoverTimes {
  const blocked = new Set(blockedPaths);
  const pathAtBlock = new Map<number, string | null>();
  for (const e of conns) {
    if (e.t > blockedAt) break;
    if (e.kind === "ready") pathAtBlock.set(e.user, e.ep);
    else if (e.kind === "dropped") pathAtBlock.set(e.user, null);
  }
  const affected = new Set([...pathAtBlock].filter(([, path]) => path !== null && blocked.has(path)).map(([user]) => user));
  const moved = new Map<number, number>();
  for (const e of conns) {
    if (e.t <= blockedAt || e.t > until || e.kind !== "ready" || !affected.has(e.user) || moved.has(e.user) || blocked.has(e.ep)) continue;
    moved.set(e.user, e.t - blockedAt);
  }
  return { affectedUsers: affected.size, failoverMs: percentiles([...moved.values()]), stranded: affected.size - moved.size };
}
