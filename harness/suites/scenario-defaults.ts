// Each scenario file states its defaults at its top as `export const DEFAULTS = { users: 100, ... };`
// (numbers and strings only). The harness reads them from the file so it can size the population
// and the timeline before k6 starts.
import { readFileSync } from "node:fs";
import type { LoadShape } from "./scenario-plan.ts";

export const FALLBACK_LOAD: LoadShape = { users: 100, rate: 40, warmupS: 5, durationS: 60, drainS: 10, seed: 1, contacts: 5, backlog: 0 };

export function readScenarioDefaults(file: string): Record<string, number | string> {
  const match = /export const DEFAULTS\s*=\s*(\{[^}]*\})/.exec(readFileSync(file, "utf8"));
  if (!match) throw new Error(`${file}: no "export const DEFAULTS = { ... }" at its top`);
  const json = match[1]
    .replace(/([{,]\s*)([A-Za-z_]\w*)\s*:/g, '$1"$2":')
    .replace(/(\d)_(?=\d)/g, "$1")
    .replace(/'/g, '"')
    .replace(/,\s*\}$/, "}");
  try {
    return JSON.parse(json) as Record<string, number | string>;
  } catch {
    throw new Error(`${file}: DEFAULTS must hold only numbers and strings (${match[1]})`);
  }
}

/** Flags over the suite over the scenario file over the fallback. */
export function resolveLoad(file: string, suite: Partial<LoadShape>, flags: Partial<LoadShape>): LoadShape {
  const fromFile = readScenarioDefaults(file);
  const pick = (key: keyof LoadShape): number => Number(flags[key] ?? suite[key] ?? fromFile[key] ?? FALLBACK_LOAD[key]);
  const keys = Object.keys(FALLBACK_LOAD) as (keyof LoadShape)[];
  return Object.fromEntries(keys.map((k) => [k, pick(k)])) as unknown as LoadShape;
}
