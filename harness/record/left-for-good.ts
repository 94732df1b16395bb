// When each user that ended its session for good did so: a surge newcomer at the end its sign-up
// record states (scenarios/lib/surge/sign-up-record.ts: its deadline, its answers all in, or a
// refusal), unless the records hold a later connection of the same user. An existing user never
// ends for good within a run: a dropped connection of its is followed by a reconnect.
import { isSignUpRecord } from "../../scenarios/lib/surge/sign-up-record.ts";

/** user index -> when its session ended for good (epoch ms) */
export type LeftForGood = ReadonlyMap<number, number>;

export function leftForGood(events: Iterable<{ ev: string }>): LeftForGood {
  const ended = new Map<number, number>();
  const lastReady = new Map<number, number>();
  for (const e of events) {
    if (isSignUpRecord(e)) ended.set(e.user, Math.max(e.t, ended.get(e.user) ?? e.t));
    else if (isReady(e)) lastReady.set(e.user, Math.max(e.t, lastReady.get(e.user) ?? e.t));
  }
  for (const [user, at] of ended) if ((lastReady.get(user) ?? -Infinity) > at) ended.delete(user);
  return ended;
}

function isReady(e: { ev: string }): e is { ev: "conn"; kind: "ready"; user: number; t: number } {
  return e.ev === "conn" && (e as { kind?: string }).kind === "ready";
}
