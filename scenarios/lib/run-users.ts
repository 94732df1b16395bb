// The body of one VU: its share of the population as simulated users, all on sockets of this VU,
// sending at the scenario's rate until the deadline, then draining and reporting a tally. Its one
// timer sends what is due and measures how late it fired (the saturation guard's view from inside
// k6); about every 100 ms it also acknowledges, checks liveness, writes the batch of records and
// adds the batch of counts to k6's metrics.
import exec from "k6/execution";
import { flushRecords, recordEvent } from "./client-events.ts";
import { flushCounts } from "./client-metrics.ts";
import type { PopulationView } from "./conversation-scenario.ts";
import { parseEndpoints } from "./endpoints.ts";
import { signInBeforeClockS, signInS, vuCount, type RunWiring, type ScenarioSettings } from "./scenario-settings.ts";
import { pick, seededRandom, type Random } from "./seeded-random.ts";
import { SimulatedUser, type UserContext, type VuState } from "./simulated-user.ts";
import { TickLag } from "./tick-lag.ts";

/** How often a VU acknowledges, checks liveness and writes its records and counts. */
const TICK_MS = 100;
const MIN_SEND_TICK_MS = 10;

/**
 * How often a VU sends what is due: about once per message of its share of the rate, from 10 ms
 * up to the bookkeeping tick. Messages go out evenly spaced, as k6's constant-arrival-rate
 * executor spaces iterations; sending a tick's worth at once made bursts that queued behind each
 * other's durable store at the relay (delivery p50 at 40 msg/s: 4 ms in bursts, 3 ms spaced).
 */
function sendTickMs(ratePerVu: number): number {
  return ratePerVu <= 0 ? TICK_MS : Math.min(TICK_MS, Math.max(MIN_SEND_TICK_MS, Math.floor(1000 / ratePerVu)));
}

/**
 * How often each user's liveness (ping, silence) is checked, in ticks: a tenth of the silence
 * timeout and half the ping interval, between one tick and 2 s. Checking more often only costs:
 * with 10,000 users, a check every 500 ms took a quarter of a core of k6's property lookups.
 */
function keepAliveTicks(settings: Pick<ScenarioSettings, "silenceTimeoutMs" | "pingIntervalMs">): number {
  const everyMs = Math.min(settings.silenceTimeoutMs / 10, settings.pingIntervalMs / 2, 2000);
  return Math.max(1, Math.floor(everyMs / TICK_MS));
}

/** What a scenario adds to plain conversations (e.g. chain letters). */
export interface LoadPlugin {
  onMessage?: UserContext["onMessage"];
  /** every tick, with the VU's users and its seeded random source */
  onTick?: (now: number, startedAt: number, users: SimulatedUser[], random: Random) => void;
}

export async function runUsers(settings: ScenarioSettings & RunWiring, population: PopulationView, plugin: LoadPlugin = {}): Promise<void> {
  const vus = vuCount(settings);
  const vu = exec.vu.idInTest - 1;
  const random = seededRandom(settings.seed * 1000 + vu);
  const indexOf = new Map(population.userIds.map((id, i) => [id, i] as [string, number]));
  const vuState: VuState = { delivered: 0, acking: [] };
  const ctx: UserContext = {
    vu: vuState,
    directEndpoints: Number(settings.directEndpoints) || 1,
    proxyEvery: settings.proxyEvery,
    driver: { protocol: settings.protocol === "xmpp" ? "xmpp" : "relay", xmppDomain: settings.xmppDomain, xmppSecret: settings.xmppSecret },
    runId: settings.runId, cryptoMode: settings.cryptoMode, paddingBytes: settings.paddingBytes, indexOf, userIds: population.userIds, onMessage: plugin.onMessage,
    link: {
      endpoints: parseEndpoints(settings.endpoints),
      backoff: { kind: settings.backoff, baseMs: settings.backoffBaseMs, capMs: settings.backoffCapMs },
      connectTimeoutMs: settings.connectTimeoutMs, pingIntervalMs: settings.pingIntervalMs, silenceTimeoutMs: settings.silenceTimeoutMs,
      random,
    },
  };
  const mine: number[] = [];
  for (let index = vu; index < population.size; index += vus) mine.push(index);
  const users: SimulatedUser[] = [];
  let stopped = false;

  // users sign in one after another, not in one burst: each imports its keys and connects at its
  // turn, over the first half of the warm-up; a population too big for that signs in at
  // SIGN_IN_PER_S, and the scenario's clock starts once the rest fits in the warm-up's first half
  const startedAt = exec.scenario.startTime + signInBeforeClockS(settings) * 1000;
  if (vu === 0) setTimeout(() => recordEvent({ ev: "start", t: startedAt, vus }), startedAt - Date.now());
  const rampMs = signInS(settings) * 1000;
  mine.forEach((index, i) => setTimeout(() => {
    SimulatedUser.create(population.member(index), ctx).then((user) => {
      users.push(user);
      if (!stopped) user.start();
    }, (e) => recordEvent({ ev: "conn", user: index, kind: "failed", ep: "", t: Date.now(), reason: `keys did not import: ${String(e)}` }));
  }, (rampMs * i) / mine.length));

  const sendFrom = startedAt + settings.warmupS * 1000;
  const sendUntil = sendFrom + settings.durationS * 1000;
  const drainUntil = sendUntil + settings.drainS * 1000;
  const ratePerVu = (settings.rate * mine.length) / Math.max(1, population.size);
  let budget = 0;
  let previousTickAt = sendFrom;
  let cursor = 0;
  const livenessTicks = keepAliveTicks(settings);
  let lastDelivered = 0;
  let lastChangeAt = Date.now();
  const sendEveryMs = sendTickMs(ratePerVu);
  const lag = new TickLag(vu, sendEveryMs);
  let bookkeptAt = 0;

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      lag.tick(now);
      const lastTickAt = previousTickAt;
      previousTickAt = now;
      if (now >= sendFrom && now < sendUntil && users.length > 0) {
        // by the time elapsed, not the tick's nominal length: a late tick must not lower the rate
        budget += (ratePerVu * (now - Math.max(sendFrom, lastTickAt))) / 1000;
        for (; budget >= 1; budget--) {
          const user = pick(users, random);
          user.compose(pick(user.member.contacts, random), { tag: "chat" });
        }
      }
      // bookkeeping on the send tick nearest to TICK_MS after the last
      if (now - bookkeptAt < TICK_MS - sendEveryMs / 2) return;
      bookkeptAt = now;
      if (now < sendUntil) plugin.onTick?.(now, startedAt, users, random);
      flushAcks(vuState);
      // liveness of a slice of the users each tick: every user once per livenessTicks ticks
      const slice = Math.ceil(users.length / livenessTicks);
      for (let i = 0; i < slice && users.length > 0; i++, cursor = (cursor + 1) % users.length) users[cursor].keepAlive(now);
      if (vuState.delivered !== lastDelivered) {
        lastDelivered = vuState.delivered;
        lastChangeAt = now;
      }
      const settled = now >= sendUntil + 2000 && now - lastChangeAt > 2000 && users.every((u) => u.outbox.size === 0);
      const done = now >= drainUntil || settled;
      if (done) {
        stopped = true;
        clearInterval(timer);
        flushAcks(vuState);
        report(vu, users);
        for (const user of users) user.stop();
      }
      flushCounts();
      flushRecords();
      if (done) resolve();
    }, sendEveryMs);
  });
}

/** Sends the acknowledgements the VU's users collected since the last tick, one frame per user. */
function flushAcks(state: VuState): void {
  const acking = state.acking;
  state.acking = [];
  for (let i = 0; i < acking.length; i++) acking[i].flushAcks();
}

function report(vu: number, users: SimulatedUser[]): void {
  const sum = (f: (u: SimulatedUser) => number) => users.reduce((n, u) => n + f(u), 0);
  recordEvent({
    ev: "tally", vu, t: Date.now(), users: users.length,
    sent: sum((u) => u.counts.sent), acked: sum((u) => u.counts.acked), delivered: sum((u) => u.counts.delivered),
    outbox: sum((u) => u.outbox.size), connected: sum((u) => (u.connected ? 1 : 0)),
  });
}
