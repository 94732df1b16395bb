// The k6 shape shared by the conversation scenarios: settings from the environment over the
// scenario's DEFAULTS, the population as a SharedArray, one long iteration per VU, thresholds,
// and the end-of-test summary written where the harness asks.
import { SharedArray } from "k6/data";
import { commonOptions } from "./common-options.ts";
import { loadSettings, maxDurationS, vuCount, type LoadSettings } from "./load-settings.ts";
import type { Population } from "./population.ts";

export interface ConversationScenario {
  settings: LoadSettings;
  population: Population;
  options: object;
}

/** Call from a scenario's init context. */
export function conversationScenario(name: string, defaults: Partial<LoadSettings>, thresholds: Record<string, string[]>): ConversationScenario {
  const settings = loadSettings(__ENV, defaults);
  const population = new SharedArray("population", () => [JSON.parse(open(settings.populationFile)) as Population])[0];
  const options = {
    ...commonOptions(__ENV),
    scenarios: {
      [name]: { executor: "per-vu-iterations", vus: vuCount(settings), iterations: 1, maxDuration: `${maxDurationS(settings)}s`, gracefulStop: "5s" },
    },
    thresholds,
  };
  return { settings, population, options };
}

export function summaryToFile(data: object): Record<string, string> {
  return __ENV.SUMMARY_FILE ? { [__ENV.SUMMARY_FILE]: JSON.stringify(data, null, 2) } : {};
}
