// outage: "Telegram is down" worldwide. Every path is blackholed for a while, then everything comes
// back at once, and every client reconnects together. Run with the client's jittered exponential
// backoff, and with a naive fixed retry interval (BACKOFF=fixed) to show the thundering herd.
// Figures: reconnect storm (connection attempts and logins per second, failed handshakes, relay
// CPU), time until 99% of users are back, backlog drain time.

import { conversationScenario, summaryToFile } from "./lib/conversation-scenario.ts";
import { runUsers } from "./lib/run-users.ts";

const scenario = conversationScenario("outage", { decrypt_failures: ["count==0"] });

export const options = scenario.options;
export default (): Promise<void> => runUsers(scenario.settings, scenario.population);
export const handleSummary = summaryToFile;
