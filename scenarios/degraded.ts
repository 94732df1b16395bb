// degraded: the network is not down, just bad: throttled to a trickle (the bandwidth caps censors
// use to make a service unusable without blocking it), slow and jittery, and sliced into tiny
// segments. Figures: delivery latency percentiles in each window, and whether every message still
// arrives.

import { conversationScenario, summaryToFile } from "./lib/conversation-scenario.ts";
import { runUsers } from "./lib/run-users.ts";

const scenario = conversationScenario("degraded", { decrypt_failures: ["count==0"] });

export const options = scenario.options;
export default (): Promise<void> => runUsers(scenario.settings, scenario.population);
export const handleSummary = summaryToFile;
