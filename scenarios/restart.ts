// restart: the relay restarts under load, as the central server restart behind the 210-minute
// WhatsApp outage did: first gracefully (SIGTERM), then by a crash (SIGKILL). With a stored backlog
// (offline users' queued messages, `backlog` in the suite) it shows how restart time and time to
// recover grow with the size of the stored data. Zero acknowledged messages may be lost.

import { conversationScenario, summaryToFile } from "./lib/conversation-scenario.ts";
import { runUsers } from "./lib/run-users.ts";

const scenario = conversationScenario("restart", { decrypt_failures: ["count==0"] });

export const options = scenario.options;
export default (): Promise<void> => runUsers(scenario.settings, scenario.population);
export const handleSummary = summaryToFile;
