// flood: the chain-letter storm before the 210-minute WhatsApp outage. Ordinary conversations go
// on while, from STORM_AT_S, chain letters start; each recipient forwards a chain to FANOUT (8)
// contacts with probability FORWARD_P, so the storm grows until the relay pushes back (per-sender
// rate limits, and the forward cap when RELAY_FORWARD_CAP is set: run it with cap 5 and off).
// Figures: the storm's peak rate, relay queue depth and memory, and the latency of ordinary
// conversations during the storm (collateral damage). Defaults: lib/scenario-settings.ts.
import exec from "k6/execution";
import { chainLetters } from "./lib/chain-letters.ts";
import { conversationScenario, summaryToFile } from "./lib/conversation-scenario.ts";
import { runUsers } from "./lib/run-users.ts";
import { vuCount } from "./lib/scenario-settings.ts";

const scenario = conversationScenario("flood", { decrypt_failures: ["count==0"] });
const s = scenario.settings;

export const options = scenario.options;

export default (): Promise<void> =>
  runUsers(s, scenario.population, chainLetters({
    stormAtS: s.stormAtS, stormForS: s.stormForS, chainsPerS: s.chainsPerS, forwardProbability: s.forwardProbability,
    fanout: s.fanout, maxHops: s.maxHops, vus: vuCount(s), vu: exec.vu.idInTest - 1, seed: s.seed,
  }));

export const handleSummary = summaryToFile;
