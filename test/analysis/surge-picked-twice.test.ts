// The picked-twice race of the surge, on records: two newcomers that got the same one-time prekey of
// one contact are counted as one prekey handed out twice, from the newcomers' sign-up records (the
// relay hands them out; XMPP's newcomers pick them from the published bundle) and from the relay's
// own prekey log (two "c" records of one id after one publish). Distinct picks count nothing.
import { describe, expect, it } from "vitest";
import { relayPrekeyLog, RELAY_LOG_NAME } from "../../harness/analysis/surge/relay-prekey-log.ts";
import { surgeFigures } from "../../harness/analysis/surge/surge-figures.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { OneTimePrekeyUseRecord } from "../../scenarios/lib/surge/one-time-prekey-use.ts";
import type { BundleFetch, SignUpRecord } from "../../scenarios/lib/surge/sign-up-record.ts";
import { piecedFile } from "../support/stored-files.ts";

const RAMP_FROM = 1_000_000;
const SETTINGS = { surgeFromPerS: 1, surgePeakPerS: 4, durationS: 5, surgeKneeP95Ms: 2000 };
const NO_LOG = { available: false, why: "not read in this test" } as const;

const fetchOf = (contact: number, oneTimePrekey: number | null): BundleFetch => ({ contact, at: RAMP_FROM + 100, latencyMs: 5, oneTimePrekey, retries: 0 });

function newcomer(user: number, picked: SignUpRecord["oneTimePrekeysPicked"], fetches: BundleFetch[]): SignUpRecord {
  return {
    ev: "signup", user, startedAt: RAMP_FROM + 50, identityKeyMs: 1, connectedAt: RAMP_FROM + 60, prekeysMs: 1, registeredAt: RAMP_FROM + 70,
    outcome: "registered", oneTimePrekeysPicked: picked, refusals: [], fetches, firstMessages: [], answers: 0, t: RAMP_FROM + 200,
  };
}

function figuresOf(events: object[]) {
  return surgeFigures({ events: events as ClientEvent[], records: [], settings: SETTINGS, rampFrom: RAMP_FROM, saturation: [], relayPrekeyLog: NO_LOG, droppedIterations: [], leftForGood: new Map(), lateMs: 10_000 });
}

const used = (user: number, opk: number, reused: boolean): OneTimePrekeyUseRecord => ({ ev: "opk_used", user, opk, reused, graceMs: 60_000, t: RAMP_FROM + 300 });

describe("two newcomers picking the same one-time prekey of one contact", () => {
  it("the relay handed it out twice: counted from the newcomers' records, beside a distinct pick, a pick of another contact's same id and an exhausted bundle", () => {
    const surge = figuresOf([
      newcomer(100, "by-server", [fetchOf(3, 7), fetchOf(4, 7)]),
      newcomer(101, "by-server", [fetchOf(3, 7), fetchOf(3, 8), fetchOf(4, null)]),
    ]);
    expect(surge.oneTimePrekeysHandedOutTwice).toBe(1);
    expect(surge.oneTimePrekeysExhausted).toBe(1);
    expect(surge.clientPicked).toBeNull();
  });

  it("nothing is counted when every pick is of a different (contact, prekey)", () => {
    const surge = figuresOf([newcomer(100, "by-server", [fetchOf(3, 7), fetchOf(4, 7)]), newcomer(101, "by-server", [fetchOf(3, 8)])]);
    expect(surge.oneTimePrekeysHandedOutTwice).toBe(0);
  });

  it("XMPP newcomers picked it from the bundle: picked twice, the second use accepted within the grace, a third refused after it", () => {
    const surge = figuresOf([
      newcomer(100, "by-client", [fetchOf(3, 7)]),
      newcomer(101, "by-client", [fetchOf(3, 7), fetchOf(2, 1)]),
      newcomer(102, "by-client", [fetchOf(3, 7)]),
      used(3, 7, false), used(2, 1, false), used(3, 7, true),
      { ev: "decrypt_failed", id: "m1", from: "102", to: 3, t: RAMP_FROM + 400, reason: "one-time prekey 7 is unknown or already used" },
    ]);
    expect(surge.oneTimePrekeysHandedOutTwice).toBe(1);
    expect(surge.clientPicked).toEqual({ graceMs: 60_000, pickedTwice: 1, pickedTwiceIds: ["3/7"], reusedWithinGrace: 1, refusedAfterGrace: 1 });
  });

  it("the relay's own log: two hand-outs of one id after one publish are one prekey handed out twice; a publish that holds it again clears it", async () => {
    const log = (records: object[]) => [piecedFile(RELAY_LOG_NAME, Buffer.from(records.map((r) => `${JSON.stringify(r)}\tabc123\n`).join("")))];
    const publish = { k: "p", user: "u3", oneTime: [{ id: 7 }, { id: 8 }] };
    const handOut = (id: number) => ({ k: "c", user: "u3", id });
    expect(await relayPrekeyLog(log([publish, handOut(7), handOut(7), handOut(8)]), new Set(["u3"]))).toEqual({ available: true, handedOut: 3, handedOutTwice: 1, twice: ["u3/7"] });
    expect(await relayPrekeyLog(log([publish, handOut(7), publish, handOut(7), handOut(8)]), new Set(["u3"]))).toEqual({ available: true, handedOut: 3, handedOutTwice: 0, twice: [] });
  });
});
