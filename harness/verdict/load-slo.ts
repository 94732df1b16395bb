// Reads an SLO file and validates it before anything starts: a malformed file, an unknown figure,
// phase, fault kind or scenario, or a bad unit is an InputError naming the file, the path in it and
// the allowed values.
import { existsSync, readFileSync } from "node:fs";
import { InputError } from "../errors.ts";
import { sloSchema, type SloFile } from "./slo-schema.ts";

export interface LoadedSlo extends SloFile { source: string }

function pathOf(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("") || "(top level)";
}

/** `scenarioNames`: what an objective's "scenario" may name (the suite's entries and scenario kinds). */
export function loadSlo(file: string, scenarioNames: readonly string[]): LoadedSlo {
  if (!existsSync(file)) throw new InputError(`SLO file ${file} not found`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = sloSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${file}: ${pathOf(issue.path)}: ${issue.message}`);
    throw new InputError(lines.join("\n"));
  }
  parsed.data.objectives.forEach((o, i) => {
    if (o.scenario !== undefined && !scenarioNames.includes(o.scenario)) {
      throw new InputError(`${file}: objectives[${i}].scenario: '${o.scenario}' is not in the suite; allowed: ${scenarioNames.join(", ")}`);
    }
  });
  parsed.data.allowUnknown.forEach((a, i) => {
    if (a.scenario !== undefined && !scenarioNames.includes(a.scenario)) {
      throw new InputError(`${file}: allowUnknown[${i}].scenario: '${a.scenario}' is not in the suite; allowed: ${scenarioNames.join(", ")}`);
    }
  });
  return { ...parsed.data, source: file };
}
