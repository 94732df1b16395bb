// steady: people in a seeded social graph exchanging E2E-encrypted messages at a set rate.
// The baseline every fault scenario is compared against.
//
// Defaults below; the harness overrides them with --users, --rate, --duration, --seed or a suite.
export const DEFAULTS = { users: 100, usersPerVu: 50, rate: 40, warmupS: 5, durationS: 60, drainS: 10 };

import { SharedArray } from "k6/data";
import { commonOptions } from "./lib/common-options.ts";
import { loadSettings, maxDurationS, vuCount } from "./lib/load-settings.ts";
import type { Population } from "./lib/population.ts";
import { runUsers } from "./lib/run-users.ts";

const settings = loadSettings(__ENV, DEFAULTS);
const population = new SharedArray("population", () => [JSON.parse(open(settings.populationFile)) as Population])[0];

export const options = {
  ...commonOptions(__ENV),
  scenarios: {
    steady: { executor: "per-vu-iterations", vus: vuCount(settings), iterations: 1, maxDuration: `${maxDurationS(settings)}s`, gracefulStop: "5s" },
  },
  thresholds: {
    decrypt_failures: ["count==0"],
    // every message arrives within 15 s, faults included (a crashed relay is back in seconds)
    delivery_latency: ["p(99)<15000"],
  },
};

export default async function (): Promise<void> {
  await runUsers(settings, population);
}

export function handleSummary(data: object): Record<string, string> {
  return __ENV.SUMMARY_FILE ? { [__ENV.SUMMARY_FILE]: JSON.stringify(data, null, 2) } : {};
}
