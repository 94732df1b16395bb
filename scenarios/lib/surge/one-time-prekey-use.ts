// Where peers pick one-time prekeys from a published bundle (XMPP's PEP; see xmpp-prekeys.ts), the
// owner's side of it: each one-time prekey an incoming key agreement used is recorded (one JSON
// line, read by harness/analysis/surge/), the server is told to stop offering it (the bundle is
// published again without it), and one picked by a second peer within its grace is counted as
// reused. Where the server hands each out once (the relay), nothing changes: no policy.
import type { OneTimePrekeyPolicy } from "../../../harness/protocol/session.ts";
import { recordEvent, type ClientEvent } from "../client-events.ts";
import type { ServerDriver } from "../drivers/server-driver.ts";

export interface OneTimePrekeyUseRecord {
  ev: "opk_used";
  /** the owner's population index */
  user: number;
  /** the one-time prekey's id */
  opk: number;
  /** true: consumed before, and used again within its grace (a second peer picked it) */
  reused: boolean;
  graceMs: number;
  t: number;
}

/** The policy for `user`'s sessions over `driver`; undefined where the server hands out each one-time prekey once. */
export function clientPickedOneTimePrekeys(driver: ServerDriver, user: number): OneTimePrekeyPolicy | undefined {
  const graceMs = driver.oneTimePrekeyGraceMs;
  if (graceMs === undefined) return undefined;
  return {
    graceMs,
    used: ({ id, reused }) => {
      if (!reused) driver.oneTimePrekeyUsed?.(id);
      const record: OneTimePrekeyUseRecord = { ev: "opk_used", user, opk: id, reused, graceMs, t: Date.now() };
      recordEvent(record as unknown as ClientEvent);
    },
  };
}

export function isOneTimePrekeyUseRecord(event: { ev: string }): event is OneTimePrekeyUseRecord {
  return event.ev === "opk_used";
}
