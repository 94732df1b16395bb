// Reads a suite (fixtures/suites/<name>.json, or a path) and validates every field before
// anything starts; a bad suite is an InputError naming the file, the field and what is allowed.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { CHOICE_SETTINGS, CRYPTO_MODES, NUMBER_SETTINGS, SCENARIO_NAMES, knownVariables, type NumberSetting, type ScenarioName } from "../../scenarios/lib/scenario-settings.ts";
import { basename, join } from "node:path";
import { InputError } from "../errors.ts";
import { DURATION_FORMAT, parseDurationMs } from "../timeline/duration.ts";
import { validateTimeline } from "../timeline/validate-timeline.ts";
import { DEFAULT_RECOVERY_BAND, type RecoveryBand } from "../analysis/recovery-band.ts";
import type { TimelineEntry } from "../timeline/timeline-entry.ts";
import { checkTargetFits } from "../targets/target-fits.ts";
import { parseTarget } from "../targets/target.ts";
import { DELIVERY_PROMISES, type DeliveryPromise, type LoadShape, type ScenarioPlan, type SuitePlan } from "./scenario-plan.ts";

export const SUITES_DIR = "fixtures/suites";
export const SCENARIOS_DIR = "scenarios";

export const TIMELINES_DIR = "fixtures/timelines";

const SUITE_FIELDS = ["$schema", "name", "description", "slo", "scenarios"];
const SCENARIO_FIELDS = new Set(["scenario", "name", "users", "rate", "warmup", "duration", "drain", "seed", "contacts", "backlog", "crypto", "relay", "k6Env", "timeline", "recovery", "delivery", "target"]);

export function availableScenarios(): string[] {
  return [...SCENARIO_NAMES];
}

export function availableSuites(): string[] {
  return readdirSync(SUITES_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
}

export function loadSuite(nameOrPath: string): SuitePlan {
  const source = nameOrPath.endsWith(".json") ? nameOrPath : join(SUITES_DIR, `${nameOrPath}.json`);
  if (!existsSync(source)) throw new InputError(`suite '${nameOrPath}' not found (looked for ${source}); allowed: ${availableSuites().join(", ")} or a path to a .json file`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(source, "utf8"));
  } catch (e) {
    throw new InputError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || !Array.isArray((raw as { scenarios?: unknown }).scenarios)) {
    throw new InputError(`${source}: must be an object with a "scenarios" array`);
  }
  const suite = raw as { name?: unknown; description?: unknown; slo?: unknown; scenarios: unknown[] };
  for (const field of Object.keys(suite)) {
    if (!SUITE_FIELDS.includes(field)) throw new InputError(`${source}: ${field}: unknown field; allowed: ${SUITE_FIELDS.join(", ")}`);
  }
  if (suite.slo !== undefined && (typeof suite.slo !== "string" || !existsSync(suite.slo))) {
    throw new InputError(`${source}: slo: ${JSON.stringify(suite.slo)} is not an SLO file; allowed: a path to an existing .json, .yaml or .yml file, from the project folder`);
  }
  const scenarios = suite.scenarios.map((s, i) => scenarioPlan(s, `${source}: scenarios[${i}]`));
  const names = new Set<string>();
  for (const s of scenarios) {
    if (names.has(s.name)) throw new InputError(`${source}: two scenarios are named '${s.name}'; give each a distinct "name"`);
    names.add(s.name);
  }
  return { name: typeof suite.name === "string" ? suite.name : basename(source, ".json"), description: typeof suite.description === "string" ? suite.description : "", source, ...(typeof suite.slo === "string" ? { slo: suite.slo } : {}), scenarios };
}

export function availableTimelines(): string[] {
  return readdirSync(TIMELINES_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
}

/** A scenario outside the suite: its own defaults and its default timeline (fixtures/timelines/<scenario>.json, if any). */
export function bareScenarioPlan(scenario: string): ScenarioPlan {
  const timeline = existsSync(join(TIMELINES_DIR, `${scenario}.json`)) ? scenario : [];
  return scenarioPlan({ scenario, timeline }, `--scenario ${scenario}`);
}

/** A timeline given inline, or by the name of a file in fixtures/timelines. */
function timelineOf(value: unknown, where: string): TimelineEntry[] {
  if (typeof value !== "string") return validateTimeline(value ?? [], where);
  const file = join(TIMELINES_DIR, `${value}.json`);
  if (!existsSync(file)) throw new InputError(`${where}.timeline: no timeline named '${value}' (looked for ${file}); allowed: ${availableTimelines().join(", ")} or an inline array`);
  try {
    return validateTimeline(JSON.parse(readFileSync(file, "utf8")), file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

function recoveryBand(value: unknown, where: string): RecoveryBand {
  if (value === undefined) return DEFAULT_RECOVERY_BAND;
  if (typeof value !== "object" || value === null) throw new InputError(`${where}: must be an object with any of ${Object.keys(DEFAULT_RECOVERY_BAND).join(", ")}`);
  const band = { ...DEFAULT_RECOVERY_BAND };
  for (const [key, v] of Object.entries(value)) {
    if (!(key in band)) throw new InputError(`${where}.${key}: unknown field; allowed: ${Object.keys(DEFAULT_RECOVERY_BAND).join(", ")}`);
    const max = key === "minSuccess" ? 1 : Number.MAX_SAFE_INTEGER;
    if (typeof v !== "number" || !(v >= 0 && v <= max)) throw new InputError(`${where}.${key}: ${JSON.stringify(v)} is not allowed; allowed: a number from 0 to ${max}`);
    band[key as keyof RecoveryBand] = v;
  }
  return band;
}

function scenarioPlan(raw: unknown, where: string): ScenarioPlan {
  if (typeof raw !== "object" || raw === null) throw new InputError(`${where}: must be an object with a "scenario" field`);
  const s = raw as Record<string, unknown>;
  for (const field of Object.keys(s)) {
    if (!SCENARIO_FIELDS.has(field)) throw new InputError(`${where}.${field}: unknown field; allowed: ${[...SCENARIO_FIELDS].join(", ")}`);
  }
  const scenario = s.scenario;
  if (typeof scenario !== "string" || !availableScenarios().includes(scenario)) {
    throw new InputError(`${where}.scenario: ${JSON.stringify(scenario)} is not a scenario; allowed: ${availableScenarios().join(", ")}`);
  }
  const load: Partial<LoadShape> = {};
  const fields: Partial<Record<keyof LoadShape, string>> = {};
  for (const [field, key] of [["users", "users"], ["rate", "rate"], ["seed", "seed"], ["contacts", "contacts"], ["backlog", "backlog"]] as const) {
    if (s[field] === undefined) continue;
    if (typeof s[field] !== "number" || !Number.isFinite(s[field]) || (s[field] as number) < 0) throw new InputError(`${where}.${field}: ${JSON.stringify(s[field])} is not allowed; allowed: a number >= 0`);
    load[key] = s[field] as number;
    fields[key] = field;
  }
  for (const [field, key] of [["warmup", "warmupS"], ["duration", "durationS"], ["drain", "drainS"]] as const) {
    if (s[field] === undefined) continue;
    const ms = typeof s[field] === "string" || typeof s[field] === "number" ? parseDurationMs(s[field] as string | number) : null;
    if (ms === null) throw new InputError(`${where}.${field}: ${JSON.stringify(s[field])} is not a duration; allowed: ${DURATION_FORMAT}`);
    load[key] = ms / 1000;
    fields[key] = field;
  }
  if (s.crypto !== undefined) {
    if (!(CRYPTO_MODES as readonly unknown[]).includes(s.crypto)) throw new InputError(`${where}.crypto: ${JSON.stringify(s.crypto)} is not allowed; allowed: ${CRYPTO_MODES.join(", ")}`);
    load.cryptoMode = s.crypto as LoadShape["cryptoMode"];
  }
  const fromK6Env = k6Settings(s.k6Env, `${where}.k6Env`);
  for (const key of Object.keys(fromK6Env) as (keyof LoadShape)[]) fields[key] = `k6Env.${key in NUMBER_SETTINGS ? NUMBER_SETTINGS[key as NumberSetting] : CHOICE_SETTINGS[key as keyof typeof CHOICE_SETTINGS].env}`;
  Object.assign(load, fromK6Env);
  if (s.delivery !== undefined && !(DELIVERY_PROMISES as readonly unknown[]).includes(s.delivery)) {
    throw new InputError(`${where}.delivery: ${JSON.stringify(s.delivery)} is not allowed; allowed: ${DELIVERY_PROMISES.join(", ")}`);
  }
  const target = s.target === undefined ? undefined : parseTarget(s.target, `${where}.target`);
  if (target) checkTargetFits({ target, chosenBy: `${where}.target ${JSON.stringify(target)}`, tls: false, relay: null });
  return {
    name: typeof s.name === "string" ? s.name : scenario,
    scenario: scenario as ScenarioName,
    file: join(SCENARIOS_DIR, `${scenario}.ts`),
    load,
    origin: { where, fields },
    relayEnv: stringMap(s.relay, `${where}.relay`),
    timeline: timelineOf(s.timeline, where),
    recovery: recoveryBand(s.recovery, `${where}.recovery`),
    delivery: (s.delivery as DeliveryPromise | undefined) ?? "at-least-once",
    ...(target ? { target } : {}),
  };
}

/** A suite's `k6Env`: settings by their k6 variable names (scenarios/lib/scenario-settings.ts). */
function k6Settings(value: unknown, where: string): Partial<LoadShape> {
  const out: Partial<LoadShape> = {};
  for (const [name, raw] of Object.entries(stringMap(value, where))) {
    const numberKey = Object.keys(NUMBER_SETTINGS).find((k) => NUMBER_SETTINGS[k as NumberSetting] === name) as NumberSetting | undefined;
    const choice = Object.entries(CHOICE_SETTINGS).find(([, c]) => c.env === name);
    if (numberKey) {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n) || n < 0) throw new InputError(`${where}.${name}: ${JSON.stringify(raw)} is not allowed; allowed: a number >= 0`);
      out[numberKey] = n;
    } else if (choice) {
      if (!(choice[1].allowed as readonly string[]).includes(raw)) throw new InputError(`${where}.${name}: ${JSON.stringify(raw)} is not allowed; allowed: ${choice[1].allowed.join(", ")}`);
      (out as Record<string, unknown>)[choice[0]] = raw;
    } else {
      throw new InputError(`${where}.${name}: not a scenario setting; allowed: ${knownVariables().join(", ")}`);
    }
  }
  return out;
}

/** An object of RELAY_ or k6 variables: values may be strings or numbers. */
function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InputError(`${where}: must be an object of NAME: value`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string" && typeof v !== "number") throw new InputError(`${where}.${k}: ${JSON.stringify(v)} is not allowed; allowed: a string or a number`);
    out[k] = String(v);
  }
  return out;
}
