// Where newcomers pick one-time prekeys from a contact's published bundle (XMPP's PEP), rather than
// the server handing each out once: two newcomers fetching the bundle before the contact published
// it again without the one the first used may pick the same one. The figures of that race: pairs
// picked twice (from the newcomers' sign-up records), second uses the contact still accepted within
// its grace, and agreements it refused (the contacts' records, one-time-prekey-use.ts).
import type { ClientEvent } from "../../../scenarios/lib/client-events.ts";
import { isOneTimePrekeyUseRecord } from "../../../scenarios/lib/surge/one-time-prekey-use.ts";
import type { SignUpRecord } from "../../../scenarios/lib/surge/sign-up-record.ts";
import type { ClientPickedPrekeys } from "./surge-figures-schema.ts";

/** the responder's refusal of a consumed one-time prekey (harness/protocol/x3dh.ts) */
const USED_PREKEY_REFUSAL = /one-time prekey \d+ is unknown or already used/;

/** (contact, one-time prekey id) -> how many fetches got it, as "<contact>/<id>" */
export function picksByPrekey(signUps: SignUpRecord[]): Map<string, number> {
  const picks = new Map<string, number>();
  for (const f of signUps.flatMap((s) => s.fetches)) {
    if (f.oneTimePrekey === null) continue;
    const key = `${f.contact}/${f.oneTimePrekey}`;
    picks.set(key, (picks.get(key) ?? 0) + 1);
  }
  return picks;
}

/** null when the server handed the one-time prekeys out (no sign-up says the newcomers picked them) */
export function clientPickedPrekeys(signUps: SignUpRecord[], events: ClientEvent[]): ClientPickedPrekeys | null {
  if (!signUps.some((s) => s.oneTimePrekeysPicked === "by-client")) return null;
  const twice = [...picksByPrekey(signUps)].filter(([, n]) => n > 1).map(([key]) => key);
  const uses = (events as { ev: string }[]).filter(isOneTimePrekeyUseRecord);
  return {
    graceMs: uses[0]?.graceMs ?? null,
    pickedTwice: twice.length,
    pickedTwiceIds: twice.slice(0, 20),
    reusedWithinGrace: uses.filter((u) => u.reused).length,
    refusedAfterGrace: events.filter((e) => e.ev === "decrypt_failed" && USED_PREKEY_REFUSAL.test(e.reason)).length,
  };
}
