// The relay's self-test fault mode RELAY_FAULT_MODE=ack-before-store, against a real relay process:
// `sent` goes out before the message is durable, so a SIGKILL right after the acks arrive loses
// acknowledged messages, exactly ones the relay's fault log says it acknowledged before storing,
// and the harness's `lost` checker names exactly those. The same crash without the mode loses none.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lostChecker } from "../../harness/analysis/checkers/lost.ts";
import { buildMessageRecords } from "../../harness/record/message-records.ts";
import { parseRelayJournal, relaySays, type RelayRecord } from "../../harness/record/relay-journal.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { cleanUpRelays, makeTempDir, startRelayProcess } from "../support/relay-process.ts";
import { RelayTestClient, createIdentity, randomBody } from "../support/relay-test-client.ts";

const SENDS = 6000; // pipelined to one offline recipient
const KILL_AT_ACKED = 1000; // SIGKILL the relay the moment this many `sent` have arrived
const MAX_ROUNDS = 6; // ack-before-store: crash again (fresh relay) until a loss is seen

interface Round {
  sender: string;
  /** ids in the order they were sent */
  ids: string[];
  sentAt: Map<string, number>;
  /** id -> when its `sent` arrived (also the ones already on their way when the relay died) */
  acked: Map<string, number>;
  ackedAtKill: number;
  /** id -> when the recipient got it from the restarted relay */
  received: Map<string, number>;
  lost: string[];
  /** ids the relay's fault log says it acknowledged before storing (null: no log file) */
  loggedEarly: Set<string> | null;
  queuedLoaded: number;
  /** the relay's own journal, across the kill and the restart */
  journal: RelayRecord;
}

async function crashRound(faultMode: boolean): Promise<Round> {
  const faultLog = join(makeTempDir("ack-before-store-log-"), "faults.jsonl");
  const env: Record<string, string> = {
    RELAY_RATE_PER_SEC: "1000000", RELAY_RATE_BURST: "1000000",
    RELAY_TEST_FAULTS: "1", RELAY_FAULT_LOG: faultLog, RELAY_JOURNAL: "1",
    ...(faultMode ? { RELAY_FAULT_MODE: "ack-before-store" } : {}),
  };
  const relay = await startRelayProcess({ env });
  const recipient = await createIdentity(); // offline until the restart
  const sender = await RelayTestClient.connect(relay.wsUrls[0]);

  const sentAt = new Map<string, number>();
  const acked = new Map<string, number>();
  let ackedAtKill = -1;
  sender.ws.on("message", (data: Buffer) => {
    const text = data.toString();
    if (!text.startsWith('{"type":"sent"')) return;
    acked.set((JSON.parse(text) as { id: string }).id, Date.now());
    if (ackedAtKill < 0 && acked.size >= KILL_AT_ACKED) {
      process.kill(relay.pid, "SIGKILL"); // synchronously, while the writes behind these acks are in flight
      ackedAtKill = acked.size;
    }
  });
  const body = randomBody(1024);
  const ids: string[] = [];
  for (let i = 0; i < SENDS; i++) {
    const id = `abs-${i}`;
    ids.push(id);
    sentAt.set(id, Date.now());
    sender.send(recipient.userId, body, id);
  }
  const exit = await relay.exited;
  expect(exit.signal, "the relay was killed by the test, not by itself").toBe("SIGKILL");
  await sender.closed; // every `sent` that left the relay before it died has been counted
  expect(ackedAtKill).toBeGreaterThanOrEqual(KILL_AT_ACKED);
  expect(acked.size, "killed mid-stream: not every send was acknowledged").toBeLessThan(SENDS);
  expect(sender.errors(), "no send was refused").toEqual([]);

  const restarted = await startRelayProcess({ dataDir: relay.dataDir, env });
  const client = await RelayTestClient.connect(restarted.wsUrls[0], { identity: recipient });
  const queued = (client.frames.find((f) => f.type === "auth_ok") as { queued: number }).queued;
  expect(queued).toBe(restarted.started.queuedLoaded);
  await client.waitForDeliveries(queued, 15_000);
  const received = new Map<string, number>();
  for (const d of client.delivered) {
    expect(d.from).toBe(sender.userId);
    if (!received.has(d.id)) received.set(d.id, Date.now());
  }
  await client.close();
  await restarted.stop("SIGKILL");

  const loggedEarly = existsSync(faultLog)
    ? new Set(readFileSync(faultLog, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { mode: string; action: string; from: string; id: string })
      .filter((e) => e.mode === "ack-before-store" && e.action === "acknowledged-before-store" && e.from === sender.userId).map((e) => e.id))
    : null;
  const lost = ids.filter((id) => acked.has(id) && !received.has(id));
  const journal = parseRelayJournal(readFileSync(join(relay.dataDir, "journal.jsonl"), "utf8"));
  return { sender: sender.userId, ids, sentAt, acked, ackedAtKill, received, lost, loggedEarly, queuedLoaded: queued, journal };
}

/** The client events a scenario would have recorded for what this round observed (sender 0, recipient 1). */
function eventsOf(round: Round): ClientEvent[] {
  const events: ClientEvent[] = [];
  round.ids.forEach((id, i) => {
    const t = round.sentAt.get(id)!;
    events.push({ ev: "sent", id, from: 0, to: 1, seq: i + 1, t, ep: "direct-a" });
    const ackedAt = round.acked.get(id);
    if (ackedAt !== undefined) events.push({ ev: "acked", id, t: ackedAt, ep: "direct-a" });
    const shownAt = round.received.get(id);
    if (shownAt !== undefined) events.push({ ev: "delivered", id, from: 0, to: 1, t: shownAt, sentAt: t, dup: false, ep: "direct-a" });
  });
  return events;
}

function checkerInput(r: Round) {
  return {
    records: buildMessageRecords(eventsOf(r)), windows: [], lateMs: 10_000, setupEnd: 0, cryptoMode: "opaque", atMostOnce: false,
    relaySays: (m: { id: string }) => relaySays(r.journal, r.sender, m.id), relayRecordMissing: null,
  };
}

function describeRound(label: string, r: Round): string {
  return `${label}: sent=${r.ids.length} acked=${r.acked.size} (at kill ${r.ackedAtKill}) recovered=${r.received.size} ` +
    `(queued after restart ${r.queuedLoaded}) lost-after-ack=${r.lost.length} logged-early=${r.loggedEarly?.size ?? "no log"}`;
}

describe("relay fault mode ack-before-store (real relay process, SIGKILL, restart on the same data dir)", () => {
  afterAll(cleanUpRelays);

  it("loses acknowledged messages, each one the fault log says was acknowledged before it was stored; the lost checker names exactly them", async () => {
    let round: Round | null = null;
    for (let attempt = 1; attempt <= MAX_ROUNDS; attempt++) {
      round = await crashRound(true);
      console.log(describeRound(`ack-before-store round ${attempt}`, round));
      if (round.lost.length > 0) break;
    }
    const r = round!;
    expect(r.lost.length, `a crash right after the acks loses acknowledged messages within ${MAX_ROUNDS} rounds`).toBeGreaterThan(0);
    expect(r.loggedEarly, "the relay wrote its fault log").not.toBeNull();
    const logged = r.loggedEarly!;
    expect(r.lost.filter((id) => !logged.has(id)), "every lost id is logged as acknowledged before store").toEqual([]);
    expect([...r.acked.keys()].filter((id) => !logged.has(id)), "every early `sent` was logged before it went out").toEqual([]);
    // the loss is the tail that was still being written, not messages missing from the middle of the log
    const firstLost = r.ids.indexOf(r.lost[0]);
    expect(r.ids.slice(firstLost).filter((id) => r.received.has(id)), "nothing stored after the first lost message").toEqual([]);

    const outcome = lostChecker.check(checkerInput(r));
    expect(outcome.status).toBe("fail");
    expect(outcome.checked).toBe(r.acked.size);
    expect(outcome.flagged.map((f) => f.id).sort()).toEqual([...r.lost].sort());
    // the relay's own journal, written line by line across the kill, tells why: it never stored them
    expect(outcome.flagged.filter((f) => f.relay !== "never stored"), "the journal says each lost message was never stored").toEqual([]);
    expect(outcome.details.relaySays).toEqual({ "never stored": r.lost.length });
    expect([...r.received.keys()].map((id) => relaySays(r.journal, r.sender, id)).filter((s) => s !== "stored, delivered once")).toEqual([]);
  }, 60_000);

  it("without the mode, the same crash loses no acknowledged message and the lost checker passes", async () => {
    const r = await crashRound(false);
    console.log(describeRound("mode off", r));
    expect(r.loggedEarly, "no fault mode, no fault log").toBeNull();
    expect(r.lost).toEqual([]);
    expect(r.queuedLoaded).toBeGreaterThanOrEqual(r.acked.size);
    const outcome = lostChecker.check(checkerInput(r));
    expect(outcome.status).toBe("pass");
    expect(outcome.checked).toBe(r.acked.size);
    expect([...r.acked.keys()].filter((id) => relaySays(r.journal, r.sender, id) !== "stored, delivered once"), "the journal has every acknowledged message stored and delivered").toEqual([]);
  }, 30_000);
});
