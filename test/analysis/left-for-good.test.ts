import { describe, expect, it } from "vitest";
import { runMessageCheckers } from "../../harness/analysis/checkers/all-checkers.ts";
import { surgeFigures } from "../../harness/analysis/surge/surge-figures.ts";
import { leftForGood } from "../../harness/record/left-for-good.ts";
import { buildMessageRecords } from "../../harness/record/message-records.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { SignUpRecord } from "../../scenarios/lib/surge/sign-up-record.ts";

const T0 = 1_000_000;
const LATE_MS = 10_000;
const EXISTING = 7;
const NEWCOMER = 500;

/** the record a newcomer writes when its session ends, at `endedAt` */
const signUp = (endedAt: number): ClientEvent => ({
  ev: "signup", user: NEWCOMER, startedAt: T0 - 18_000, identityKeyMs: 5, connectedAt: T0 - 17_000, prekeysMs: 20, registeredAt: T0 - 1000,
  outcome: "registered", oneTimePrekeysPicked: "by-client", refusals: [], fetches: [], firstMessages: [`${NEWCOMER}.1`], answers: 0, t: endedAt,
} satisfies SignUpRecord) as unknown as ClientEvent;
const ready = (user: number, t: number): ClientEvent => ({ ev: "conn", user, kind: "ready", ep: "direct-a", t });

/** the existing user's answer to the newcomer: sent at T0, resent after a reconnect, acknowledged at `ackedAt`, never shown */
const answer = (ackedAt: number): ClientEvent[] => [
  { ev: "sent", id: `${EXISTING}.1`, from: EXISTING, to: NEWCOMER, seq: 1, t: T0, ep: "direct-a", tag: "chat" },
  { ev: "resent", id: `${EXISTING}.1`, t: ackedAt - 100, ep: "proxy-b" },
  { ev: "acked", id: `${EXISTING}.1`, t: ackedAt, ep: "proxy-b" },
];
/** the newcomer's first message: sent at T0, shown to its contact 1 s later, never acknowledged */
const first: ClientEvent[] = [
  { ev: "sent", id: `${NEWCOMER}.1`, from: NEWCOMER, to: EXISTING, seq: 1, t: T0, ep: "direct-a", tag: "first" },
  { ev: "delivered", id: `${NEWCOMER}.1`, from: NEWCOMER, to: EXISTING, t: T0 + 1000, sentAt: T0, dup: false, ep: "direct-a" },
];

async function check(events: ClientEvent[]) {
  const { results } = await runMessageCheckers({
    records: buildMessageRecords(events), windows: [], lateMs: LATE_MS, setupEnd: T0 - 60_000, cryptoMode: "full", atMostOnce: false,
    relaySays: () => null, relayRecordMissing: "none in this test", leftForGood: leftForGood(events),
  }, null);
  const of = (name: string) => results.find((r) => r.name === name)!;
  return { lost: of("lost"), neverAcked: of("never-acknowledged") };
}

const surge = (events: ClientEvent[]) => surgeFigures({
  events, records: buildMessageRecords(events), settings: { surgeFromPerS: 1, surgePeakPerS: 2, durationS: 2, surgeKneeP95Ms: 2000 }, rampFrom: T0 - 20_000,
  saturation: [], relayPrekeyLog: { available: false, why: "not read in this test" }, droppedIterations: null, leftForGood: leftForGood(events), lateMs: LATE_MS,
});

describe("a message to a newcomer that had left for good", () => {
  it("acknowledged after the newcomer's session ended is not lost: it is listed as recipientLeft, and counted in the surge figures", async () => {
    const events = [...answer(T0 + 15_000), signUp(T0 + 5000)];
    const { lost } = await check(events);
    expect(lost.status).toBe("pass");
    expect(lost.details).toMatchObject({ count: 0, checked: 1, ids: [], recipientLeft: { count: 1, ids: [`${EXISTING}.1`], idsTruncated: false } });
    expect(surge(events)).toMatchObject({ recipientLeft: 1, senderLeft: 0 });
  });

  it("is lost when the recipient connected again after its end, or when it was acknowledged before the recipient left", async () => {
    for (const events of [[...answer(T0 + 15_000), signUp(T0 + 5000), ready(NEWCOMER, T0 + 20_000)], [...answer(T0 + 4000), signUp(T0 + 5000)]]) {
      const { lost } = await check(events);
      expect(lost.status).toBe("fail");
      expect(lost.details).toMatchObject({ count: 1, ids: [{ id: `${EXISTING}.1`, fault: "none" }], recipientLeft: { count: 0, ids: [] } });
      expect(surge(events).recipientLeft).toBe(0);
    }
  });

  it("is lost when the recipient is an existing user whose connection dropped (no sign-up end)", async () => {
    const events: ClientEvent[] = [
      { ev: "sent", id: "8.1", from: 8, to: EXISTING, seq: 1, t: T0, ep: "direct-a", tag: "chat" },
      { ev: "acked", id: "8.1", t: T0 + 5, ep: "direct-a" },
      { ev: "conn", user: EXISTING, kind: "dropped", ep: "direct-a", t: T0 - 1000 }, ready(EXISTING, T0 + 17_000),
    ];
    const { lost } = await check(events);
    expect(lost.details).toMatchObject({ count: 1, ids: [{ id: "8.1" }], recipientLeft: { count: 0 } });
  });
});

describe("a first message whose newcomer sender left", () => {
  it("unacknowledged, the sender having closed within the late bound of sending it, is senderLeft, not never-acknowledged", async () => {
    const events = [...first, signUp(T0 + 300)];
    const { neverAcked } = await check(events);
    expect(neverAcked.status).toBe("pass");
    expect(neverAcked.details).toMatchObject({ count: 0, checked: 1, senderLeft: { count: 1, ids: [`${NEWCOMER}.1`], idsTruncated: false } });
    expect(surge(events)).toMatchObject({ recipientLeft: 0, senderLeft: 1 });
  });

  it("is never acknowledged when the sender stayed past the late bound, or connected again, or never ended", async () => {
    for (const events of [[...first, signUp(T0 + LATE_MS + 1)], [...first, signUp(T0 + 300), ready(NEWCOMER, T0 + 2000)], first]) {
      const { neverAcked } = await check(events);
      expect(neverAcked.status).toBe("fail");
      expect(neverAcked.details).toMatchObject({ count: 1, ids: [{ id: `${NEWCOMER}.1`, fault: "none" }], senderLeft: { count: 0, ids: [] } });
      expect(surge(events).senderLeft).toBe(0);
    }
  });
});
