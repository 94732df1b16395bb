// When a quiet connection pings: after three quarters to all of the ping interval, drawn anew for
// every ping. With one fixed interval the pings of 10,000 clients fell into the same seconds (a
// liveness sweep every 2 s makes a 12 s cycle for a 10 s interval, and a busy moment lines the
// clients up): k6, Toxiproxy and the relay used a core together for a second, every 12 s.
import type { Random } from "./seeded-random.ts";

/** Quiet time after which the next ping goes out, between 3/4 of `intervalMs` and all of it. */
export function nextPingAfterMs(intervalMs: number, random: Random): number {
  return Math.floor(intervalMs * (0.75 + 0.25 * random()));
}
