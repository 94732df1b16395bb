// flood: the chain-letter storm before the 210-minute WhatsApp outage. Ordinary conversations go
// on while, from STORM_AT_S, chain letters start; each recipient forwards a chain to FANOUT (8)
// contacts with probability FORWARD_P, so the storm grows until the relay pushes back (per-sender
// rate limits, and the forward cap when RELAY_FORWARD_CAP is set: run it with cap 5 and off).
// Figures: the storm's peak rate, relay queue depth and memory, and the latency of ordinary
// conversations during the storm (collateral damage).
export const DEFAULTS = {
  users: 200, usersPerVu: 100, rate: 20, warmupS: 5, durationS: 50, drainS: 20, contacts: 8,
  stormAtS: 15, stormForS: 10, chainsPerS: 0.5, forwardProbability: 0.5, fanout: 8, maxHops: 4,
};

import exec from "k6/execution";
import { chainLetters } from "./lib/chain-letters.ts";
import { conversationScenario, summaryToFile } from "./lib/conversation-scenario.ts";
import { vuCount } from "./lib/load-settings.ts";
import { runUsers } from "./lib/run-users.ts";

const scenario = conversationScenario("flood", DEFAULTS, { decrypt_failures: ["count==0"] });
const setting = (name: string, fallback: number) => (__ENV[name] !== undefined ? Number(__ENV[name]) : fallback);

export const options = scenario.options;

export default (): Promise<void> =>
  runUsers(scenario.settings, scenario.population, chainLetters({
    stormAtS: setting("STORM_AT_S", DEFAULTS.stormAtS),
    stormForS: setting("STORM_FOR_S", DEFAULTS.stormForS),
    chainsPerS: setting("CHAINS_PER_S", DEFAULTS.chainsPerS),
    forwardProbability: setting("FORWARD_P", DEFAULTS.forwardProbability),
    fanout: setting("FANOUT", DEFAULTS.fanout),
    maxHops: setting("MAX_HOPS", DEFAULTS.maxHops),
    vus: vuCount(scenario.settings),
    vu: exec.vu.idInTest - 1,
    seed: scenario.settings.seed,
  }));

export const handleSummary = summaryToFile;
