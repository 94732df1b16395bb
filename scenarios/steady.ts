// steady: people in a seeded social graph exchanging E2E-encrypted messages at a set rate.
// The baseline every fault scenario is compared against. Defaults: lib/scenario-settings.ts.
import { conversationScenario, summaryToFile } from "./lib/conversation-scenario.ts";
import { runUsers } from "./lib/run-users.ts";

const scenario = conversationScenario("steady", {
  decrypt_failures: ["count==0"],
  // every message arrives within 15 s, faults included (a crashed relay is back in seconds)
  delivery_latency: ["p(99)<15000"],
});

export const options = scenario.options;
export default (): Promise<void> => runUsers(scenario.settings, scenario.population);
export const handleSummary = summaryToFile;
