// surge: the mass migration during an outage (when WhatsApp was down for 210 minutes, millions
// installed another messenger within hours). A steady population keeps chatting while newcomers
// arrive at a rising rate (SURGE_FROM_PER_S to SURGE_PEAK_PER_S sign-ups per second): each
// generates its keys, connects, publishes its identity key, signed prekey and one-time prekeys,
// fetches the bundles of SURGE_CONTACTS existing users, agrees a session with each by X3DH and
// sends a first message; the contacts answer. Figures (harness/analysis/surge/): sign-ups
// accepted and refused per second, connect-to-first-message latency per second of the ramp,
// prekey fetches, one-time prekeys exhausted, the existing users' latency, and the knee.
// Defaults: lib/scenario-settings.ts.
import exec from "k6/execution";
import { conversationScenario, summaryToFile } from "./lib/conversation-scenario.ts";
import { runUsers } from "./lib/run-users.ts";
import { answerNewcomers } from "./lib/surge/answer-newcomers.ts";
import { signUp } from "./lib/surge/newcomer.ts";
import { newcomerPlan, signUpArrivals } from "./lib/surge/sign-up-arrivals.ts";

const scenario = conversationScenario("surge", { decrypt_failures: ["count==0"] });
const s = scenario.settings;
const conversations = (scenario.options as { scenarios: Record<string, object> }).scenarios.surge;

export const options = {
  ...scenario.options,
  scenarios: { conversations: { ...conversations, exec: "chat" }, sign_ups: signUpArrivals(s, "signUps") },
};

export const chat = (): Promise<void> => runUsers(s, scenario.population, answerNewcomers(scenario.population.userIds));
export const signUps = (): Promise<void> => signUp(newcomerPlan(s, scenario.population, exec.scenario.iterationInTest));
export const handleSummary = summaryToFile;
