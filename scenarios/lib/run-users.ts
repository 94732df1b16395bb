// The body of one VU: its share of the population as simulated users, all on sockets of this VU,
// sending at the scenario's rate until the deadline, then draining and reporting a tally.
import exec from "k6/execution";
import { recordEvent } from "./client-events.ts";
import { parseEndpoints } from "./endpoints.ts";
import type { LoadSettings } from "./load-settings.ts";
import { vuCount } from "./load-settings.ts";
import type { Population } from "./population.ts";
import { pick, seededRandom, type Random } from "./seeded-random.ts";
import { SimulatedUser, type UserContext } from "./simulated-user.ts";

const TICK_MS = 100;

/** What a scenario adds to plain conversations (e.g. chain letters). */
export interface LoadPlugin {
  onMessage?: UserContext["onMessage"];
  /** every tick, with the VU's users and its seeded random source */
  onTick?: (now: number, startedAt: number, users: SimulatedUser[], random: Random) => void;
}

export async function runUsers(settings: LoadSettings, population: Population, plugin: LoadPlugin = {}): Promise<void> {
  const vus = vuCount(settings);
  const vu = exec.vu.idInTest - 1;
  const random = seededRandom(settings.seed * 1000 + vu);
  const members = population.members.filter((m) => m.index % vus === vu);
  const indexOf = new Map(population.members.map((m) => [m.userId, m.index] as [string, number]));
  const link = {
    endpoints: parseEndpoints(settings.endpoints),
    backoff: { kind: settings.backoff, baseMs: settings.backoffBaseMs, capMs: settings.backoffCapMs },
    connectTimeoutMs: settings.connectTimeoutMs,
    pingIntervalMs: settings.pingIntervalMs,
    silenceTimeoutMs: settings.silenceTimeoutMs,
    random,
  };
  const ctx: UserContext = { runId: settings.runId, link, indexOf, userIdOf: (i: number) => population.members[i].userId, paddingBytes: settings.paddingBytes, onMessage: plugin.onMessage };
  const users: SimulatedUser[] = [];
  for (const member of members) users.push(await SimulatedUser.create(member, ctx));

  const startedAt = exec.scenario.startTime;
  if (vu === 0) recordEvent({ ev: "start", t: startedAt, vus });
  for (const user of users) user.start();

  const sendFrom = startedAt + settings.warmupS * 1000;
  const sendUntil = sendFrom + settings.durationS * 1000;
  const drainUntil = sendUntil + settings.drainS * 1000;
  const ratePerVu = (settings.rate * members.length) / Math.max(1, population.members.length);
  let budget = 0;
  let lastDelivered = 0;
  let lastChangeAt = Date.now();

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      if (now >= sendFrom && now < sendUntil && users.length > 0) {
        budget += (ratePerVu * TICK_MS) / 1000;
        for (; budget >= 1; budget--) {
          const user = pick(users, random);
          void user.compose(pick(user.member.contacts, random), { tag: "chat" });
        }
      }
      if (now < sendUntil) plugin.onTick?.(now, startedAt, users, random);
      const delivered = users.reduce((n, u) => n + u.counts.delivered, 0);
      if (delivered !== lastDelivered) {
        lastDelivered = delivered;
        lastChangeAt = now;
      }
      const settled = now >= sendUntil + 2000 && users.every((u) => u.outbox.size === 0) && now - lastChangeAt > 2000;
      if (now >= drainUntil || settled) {
        clearInterval(timer);
        report(vu, users);
        for (const user of users) user.stop();
        resolve();
      }
    }, TICK_MS);
  });
}

function report(vu: number, users: SimulatedUser[]): void {
  const sum = (f: (u: SimulatedUser) => number) => users.reduce((n, u) => n + f(u), 0);
  recordEvent({
    ev: "tally", vu, t: Date.now(), users: users.length,
    sent: sum((u) => u.counts.sent), acked: sum((u) => u.counts.acked), delivered: sum((u) => u.counts.delivered),
    outbox: sum((u) => u.outbox.size), connected: sum((u) => (u.connected ? 1 : 0)),
  });
}
