// Several k6 instances' records as one event log, the one a single k6 would have written: each
// record carries its instance, its times moved onto the reference clock (clock-correction.ts), and
// the whole in time order (a stable sort: one VU's records keep their written order, which the
// order checkers read). One instance's records are handed over untouched.
import type { ClientEvent } from "../../../scenarios/lib/client-events.ts";

export type InstanceEvent = ClientEvent & { instance: number };

/**
 * `corrections[i]` is added to every `t` of instance i. A delivery's `sentAt` is the sender's time,
 * carried in the message from whichever instance sent it, and is left as written (the per-message
 * records take the send time from the sender's own `sent` record, which is corrected).
 */
export function mergeInstanceEvents(perInstance: readonly ClientEvent[][], corrections: readonly number[]): ClientEvent[] {
  if (perInstance.length === 1 && !corrections[0]) return perInstance[0];
  const merged: InstanceEvent[] = [];
  perInstance.forEach((events, instance) => {
    const shift = corrections[instance] ?? 0;
    for (const e of events) merged.push({ ...e, t: e.t + shift, instance });
  });
  return merged.sort((a, b) => a.t - b.t);
}
