// --baseline RUN_ID|PATH: an earlier run's summary.json (a run folder under the reports folder, a
// folder, or the file itself), read for relative objectives.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import type { JudgedScenario } from "./judged-scenario.ts";

export function loadBaseline(ref: string, reportsDir: string): { source: string; scenarios: JudgedScenario[] } {
  const candidates = [ref, join(reportsDir, ref)];
  const dir = candidates.find((c) => existsSync(c));
  if (!dir) throw new InputError(`--baseline=${ref}: no such run; allowed: a run id under ${reportsDir}/, a run folder or its summary.json`);
  const file = statSync(dir).isDirectory() ? join(dir, "summary.json") : dir;
  if (!existsSync(file)) throw new InputError(`--baseline=${ref}: ${file} not found (the run wrote no summary)`);
  let raw: { scenarios?: unknown };
  try {
    raw = JSON.parse(readFileSync(file, "utf8")) as { scenarios?: unknown };
  } catch (e) {
    throw new InputError(`--baseline=${ref}: ${file} is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(raw.scenarios)) throw new InputError(`--baseline=${ref}: ${file} has no "scenarios" array; is it a summary.json?`);
  return { source: file, scenarios: raw.scenarios as JudgedScenario[] };
}
