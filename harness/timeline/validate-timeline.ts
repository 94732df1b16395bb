// Checks a timeline before anything starts: unknown kinds, bad durations, unknown targets,
// settings outside the kind's schema and envelope fields the kind cannot honour are an InputError
// naming the file, the entry, the field and what is allowed.
import { InputError } from "../errors.ts";
import { pathTargetNames, resolvePathTarget } from "../environments/network-paths.ts";
import { COMMON_ENVELOPE_FIELDS, type FaultKind, type FaultSettings } from "../faults/fault-kind.ts";
import { describeAllowed, describeSetting, settingNames } from "../faults/fault-settings.ts";
import { FAULT_KINDS } from "../faults/registry.ts";
import { DURATION_FORMAT, parseDurationMs } from "./duration.ts";
import type { TimelineEntry, TimelineEntryInput } from "./timeline-entry.ts";

const DIRECTIONS = ["upstream", "downstream", "both"] as const;
const ENVELOPE_FIELDS = new Set(["at", "for", "target", "direction", "toxicity", "fault"]);

export function validateTimeline(input: unknown, source: string): TimelineEntry[] {
  if (!Array.isArray(input)) throw new InputError(`${source}: timeline must be an array of entries`);
  return input.map((raw, index) => validateEntry(raw, `${source}: timeline[${index}]`, index));
}

function validateEntry(raw: unknown, where: string, index: number): TimelineEntry {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new InputError(`${where}: must be an object with at, target and fault`);
  const entry = raw as Partial<TimelineEntryInput> & Record<string, unknown>;
  for (const field of Object.keys(entry)) {
    if (!ENVELOPE_FIELDS.has(field)) throw new InputError(`${where}.${field}: unknown field; allowed: ${[...ENVELOPE_FIELDS].join(", ")}`);
  }
  const atMs = duration(entry.at, `${where}.at`);
  const forMs = entry.for === undefined ? null : duration(entry.for, `${where}.for`);
  const fault = entry.fault;
  if (typeof fault !== "object" || fault === null || typeof fault.kind !== "string") {
    throw new InputError(`${where}.fault: must be an object with a string "kind"; allowed kinds: ${Object.keys(FAULT_KINDS).join(", ")}`);
  }
  const kind = FAULT_KINDS[fault.kind];
  if (!kind) throw new InputError(`${where}.fault.kind: unknown fault kind '${fault.kind}'; allowed: ${Object.keys(FAULT_KINDS).join(", ")}`);
  for (const field of ["direction", "toxicity"] as const) {
    if (entry[field] !== undefined && !kind.envelope.includes(field)) {
      throw new InputError(`${where}.${field}: fault '${kind.kind}' does not use ${field}; allowed fields for it: ${[...COMMON_ENVELOPE_FIELDS, ...kind.envelope].join(", ")}`);
    }
  }
  const settings = params(kind, fault, `${where}.fault`);
  const unhonoured = kind.unhonoured?.(settings);
  for (const field of unhonoured?.fields ?? []) {
    if (entry[field] !== undefined) throw new InputError(`${where}.${field}: fault '${kind.kind}' cannot honour ${field} here: ${unhonoured!.because}`);
  }
  const direction = entry.direction ?? "downstream";
  if (!DIRECTIONS.includes(direction)) throw new InputError(`${where}.direction: '${String(direction)}' is not allowed; allowed: ${DIRECTIONS.join(", ")}`);
  const toxicity = entry.toxicity ?? 1;
  if (typeof toxicity !== "number" || !(toxicity >= 0 && toxicity <= 1)) throw new InputError(`${where}.toxicity: ${JSON.stringify(toxicity)} is not allowed; allowed: a number from 0 to 1`);
  return { index, atMs, forMs, kind: kind.kind, target: String(entry.target), paths: targetPaths(kind, entry.target, where), direction, toxicity, params: settings };
}

function duration(value: unknown, where: string): number {
  const ms = typeof value === "string" || typeof value === "number" ? parseDurationMs(value) : null;
  if (ms === null) throw new InputError(`${where}: ${value === undefined ? "missing" : JSON.stringify(value) + " is not a duration"}; allowed: ${DURATION_FORMAT}`);
  return ms;
}

function targetPaths(kind: FaultKind, target: unknown, where: string): string[] {
  if (kind.targets === "relay") {
    if (target !== "relay") throw new InputError(`${where}.target: fault '${kind.kind}' acts on the relay; allowed: relay`);
    return [];
  }
  const paths = typeof target === "string" ? resolvePathTarget(target) : null;
  if (!paths) throw new InputError(`${where}.target: unknown target ${JSON.stringify(target)}; allowed: ${pathTargetNames().join(", ")}`);
  return paths.map((p) => p.name);
}

/** The fault's settings through its kind's schema (defaults filled in); the first problem names the setting and what it allows. */
function params(kind: FaultKind, fault: Record<string, unknown>, where: string): FaultSettings {
  const { kind: _kind, ...given } = fault;
  const parsed = kind.params.safeParse(given);
  if (parsed.success) return parsed.data as FaultSettings;
  const issues = parsed.error.issues;
  const unknown = issues.find((i) => i.code === "unrecognized_keys");
  if (unknown) {
    const allowed = settingNames(kind.params);
    throw new InputError(`${where}.${unknown.keys[0]}: unknown setting for '${kind.kind}'; allowed: ${allowed.length ? allowed.join(", ") : "none"}`);
  }
  const name = String(issues[0]!.path[0]);
  const setting = kind.params.shape[name]!;
  if (given[name] === undefined) throw new InputError(`${where}.${name}: missing (${describeSetting(setting).description})`);
  throw new InputError(`${where}.${name}: ${JSON.stringify(given[name])} is not allowed; allowed: ${describeAllowed(setting)}`);
}
