// The body of one VU: its share of the population as simulated users, all on sockets of this VU,
// sending at the scenario's rate until the deadline, then draining and reporting a tally. The
// parts: the sign-in ramp (sign-in-ramp.ts), the send budget (send-budget.ts), the liveness sweep
// (liveness-sweep.ts), drain detection (drain-detection.ts) and the VU's times and one timer
// (vu-timers.ts). Every send tick sends what is due; about every 100 ms the VU also acknowledges,
// checks liveness, writes the batch of records and adds the batch of counts to k6's metrics.
import exec from "k6/execution";
import { flushRecords, recordEvent } from "./client-events.ts";
import { probeServerClock } from "./clock-probe.ts";
import { flushCounts } from "./client-metrics.ts";
import type { PopulationView } from "./conversation-scenario.ts";
import { DrainDetection } from "./drain-detection.ts";
import { parseEndpoints } from "./endpoints.ts";
import { keepAliveTicks, LivenessSweep } from "./liveness-sweep.ts";
import { signInS, vuCount, type RunWiring, type ScenarioSettings } from "./scenario-settings.ts";
import { pick, seededRandom, type Random } from "./seeded-random.ts";
import { requireSharedSequence } from "./segment-guard.ts";
import { SendBudget } from "./send-budget.ts";
import { SignInRamp } from "./sign-in-ramp.ts";
import type { SimulatedUser, UserContext, VuState } from "./simulated-user.ts";
import { recordStartAt, runTicks, sendTickMs, vuPhases } from "./vu-timers.ts";

/** What a scenario adds to plain conversations (e.g. chain letters). */
export interface LoadPlugin {
  onMessage?: UserContext["onMessage"];
  /** every tick, with the VU's users and its seeded random source */
  onTick?: (now: number, startedAt: number, users: SimulatedUser[], random: Random) => void;
}

export async function runUsers(settings: ScenarioSettings & RunWiring, population: PopulationView, plugin: LoadPlugin = {}): Promise<void> {
  requireSharedSequence();
  const vus = vuCount(settings);
  const vu = exec.vu.idInTest - 1;
  const random = seededRandom(settings.seed * 1000 + vu);
  const vuState: VuState = { delivered: 0, acking: [] };
  const ctx = userContext(settings, population, vuState, random, plugin);
  const mine: number[] = [];
  for (let index = vu; index < population.size; index += vus) mine.push(index);

  const phases = vuPhases(settings, exec.scenario.startTime);
  if (vu === 0) recordStartAt(phases.startedAt, vus);
  // each k6 instance (--segments, the k6-operator's runners) measures its clock against the server's
  if (exec.vu.idInInstance === 1 && settings.protocol !== "xmpp") void probeServerClock(parseEndpoints(settings.endpoints)[0].url);
  const ramp = new SignInRamp(mine, population, ctx, signInS(settings) * 1000);
  const users = ramp.users;
  const ratePerVu = (settings.rate * mine.length) / Math.max(1, population.size);
  const budget = new SendBudget(ratePerVu, phases);
  const liveness = new LivenessSweep(keepAliveTicks(settings));
  const drain = new DrainDetection(phases);

  await runTicks(vu, sendTickMs(ratePerVu), {
    send: (now) => {
      for (let due = budget.due(now, users.length > 0); due > 0; due--) {
        const user = pick(users, random);
        user.compose(pick(user.member.contacts, random), { tag: "chat" });
      }
    },
    bookkeep: (now) => {
      if (now < phases.sendUntil) plugin.onTick?.(now, phases.startedAt, users, random);
      flushAcks(vuState);
      liveness.check(users, now);
      const done = drain.done(now, vuState.delivered, users);
      if (done) {
        ramp.stop();
        flushAcks(vuState);
        report(vu, users);
        for (const user of users) user.driver.stop();
      }
      flushCounts();
      flushRecords();
      return done;
    },
  });
}

/** What every user of this VU shares: its VU state, the run's settings, the endpoints and the seeded random source. */
function userContext(settings: ScenarioSettings & RunWiring, population: PopulationView, vuState: VuState, random: Random, plugin: LoadPlugin): UserContext {
  return {
    vu: vuState,
    directEndpoints: Number(settings.directEndpoints) || 1,
    proxyEvery: settings.proxyEvery,
    driver: { protocol: settings.protocol === "xmpp" ? "xmpp" : "relay", xmppDomain: settings.xmppDomain, xmppSecret: settings.xmppSecret },
    runId: settings.runId, cryptoMode: settings.cryptoMode, paddingBytes: settings.paddingBytes,
    indexOf: new Map(population.userIds.map((id, i) => [id, i] as [string, number])), userIds: population.userIds, onMessage: plugin.onMessage,
    link: {
      endpoints: parseEndpoints(settings.endpoints),
      backoff: { kind: settings.backoff, baseMs: settings.backoffBaseMs, capMs: settings.backoffCapMs },
      connectTimeoutMs: settings.connectTimeoutMs, pingIntervalMs: settings.pingIntervalMs, silenceTimeoutMs: settings.silenceTimeoutMs,
      random,
    },
  };
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
    outbox: sum((u) => u.outbox.size), connected: sum((u) => (u.driver.isReady ? 1 : 0)),
  });
}
