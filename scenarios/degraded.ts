// degraded: the network is not down, just bad: throttled to a trickle (the bandwidth caps censors
// use to make a service unusable without blocking it), slow and jittery, and sliced into tiny
// segments. Figures: delivery latency percentiles in each window, and whether every message still
// arrives.
export const DEFAULTS = { users: 60, usersPerVu: 60, rate: 20, warmupS: 5, durationS: 75, drainS: 20, silenceTimeoutMs: 8000 };

import { conversationScenario, summaryToFile } from "./lib/conversation-scenario.ts";
import { runUsers } from "./lib/run-users.ts";

const scenario = conversationScenario("degraded", DEFAULTS, { decrypt_failures: ["count==0"] });

export const options = scenario.options;
export default (): Promise<void> => runUsers(scenario.settings, scenario.population);
export const handleSummary = summaryToFile;
