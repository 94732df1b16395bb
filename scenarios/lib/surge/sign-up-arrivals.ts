// The surge's arrivals as k6 sees them: a ramping-arrival-rate scenario from SURGE_FROM_PER_S to
// SURGE_PEAK_PER_S sign-ups per second over the sending window, and each arrival's plan (who it
// writes to, where it connects). Its VUs are started as arrivals need them (none pre-allocated),
// so the conversation VUs are the test's first ones, as run-users.ts expects of its VU ids.
import { parseEndpoints, endpointsForUser } from "../endpoints.ts";
import type { PopulationView } from "../conversation-scenario.ts";
import { signInBeforeClockS, type RunWiring, type ScenarioSettings } from "../scenario-settings.ts";
import { seededRandom } from "../seeded-random.ts";
import type { NewcomerPlan } from "./newcomer.ts";

/** The k6 scenario of the sign-ups; `exec`: the exported function each arrival runs. */
export function signUpArrivals(settings: ScenarioSettings, exec: string): object {
  return {
    executor: "ramping-arrival-rate", exec,
    startTime: `${signInBeforeClockS(settings) + settings.warmupS}s`,
    startRate: settings.surgeFromPerS, timeUnit: "1s",
    stages: [{ target: settings.surgePeakPerS, duration: `${settings.durationS}s` }],
    preAllocatedVUs: 0, maxVUs: Math.max(1, settings.surgeMaxVus),
    gracefulStop: `${settings.drainS}s`,
  };
}

/** The plan of arrival number `arrival` (0-based over the whole ramp). */
export function newcomerPlan(settings: ScenarioSettings & RunWiring, population: PopulationView, arrival: number): NewcomerPlan {
  const index = population.size + arrival;
  const random = seededRandom(settings.seed * 1_000_003 + index);
  const contacts = new Map<number, string>();
  const wanted = Math.min(Math.max(1, settings.surgeContacts), population.size);
  while (contacts.size < wanted) {
    const contact = Math.floor(random() * population.size);
    contacts.set(contact, population.userIds[contact]);
  }
  return {
    index, contacts, oneTimePrekeys: settings.surgeOneTimePrekeys, runId: settings.runId, paddingBytes: settings.paddingBytes,
    driver: { protocol: settings.protocol === "xmpp" ? "xmpp" : "relay", xmppDomain: settings.xmppDomain, xmppSecret: settings.xmppSecret },
    link: {
      endpoints: endpointsForUser(parseEndpoints(settings.endpoints), Number(settings.directEndpoints) || 1, index, settings.proxyEvery),
      backoff: { kind: settings.backoff, baseMs: settings.backoffBaseMs, capMs: settings.backoffCapMs },
      connectTimeoutMs: settings.connectTimeoutMs, pingIntervalMs: settings.pingIntervalMs, silenceTimeoutMs: settings.silenceTimeoutMs,
      random,
    },
    deadlineMs: Math.max(10, settings.drainS) * 1000,
  };
}
