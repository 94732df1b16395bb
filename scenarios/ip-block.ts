// ip-block: a censor cuts a messenger's addresses (as when Russia blocked Telegram by cutting 18
// Google and Amazon subnets, over 15 million IP addresses), and users stay connected through
// volunteer proxies. Clients dial the direct addresses first, then the proxies. The timeline
// (fixtures/timelines/ip-block*.json) blocks both direct addresses, then the first proxy too
// ("whack-a-mole"), then lifts the block.
// Figures: time to fail over per user, users per path over time, messages lost in the switch,
// and a privacy check of everything the proxies forwarded.

import { conversationScenario, summaryToFile } from "./lib/conversation-scenario.ts";
import { runUsers } from "./lib/run-users.ts";

const scenario = conversationScenario("ip-block", { decrypt_failures: ["count==0"] });

export const options = scenario.options;
export default (): Promise<void> => runUsers(scenario.settings, scenario.population);
export const handleSummary = summaryToFile;
