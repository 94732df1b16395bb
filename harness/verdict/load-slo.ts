// Reads an SLO file (JSON, or YAML when named .yaml/.yml) and validates it before anything starts:
// a malformed file, an unknown figure, phase, fault kind or scenario, or a bad unit is an InputError
// naming the file, the line or the path in it, and the allowed values.
import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { InputError } from "../errors.ts";
import { sloSchema, type SloFile } from "./slo-schema.ts";

export interface LoadedSlo extends SloFile { source: string }

function pathOf(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("") || "(top level)";
}

/** The file's content as data: YAML for .yaml/.yml (errors name the line and column), else JSON. */
function readSloDocument(file: string): unknown {
  const text = readFileSync(file, "utf8");
  if (/\.ya?ml$/i.test(file)) {
    try {
      return parseYaml(text, { uniqueKeys: true });
    } catch (e) {
      const at = e instanceof YAMLParseError && e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : "";
      throw new InputError(`${file}: ${at}not valid YAML (${(e as Error).message.split("\n")[0]})`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** `scenarioNames`: what an objective's "scenario" may name (the suite's entries and scenario kinds). */
export function loadSlo(file: string, scenarioNames: readonly string[]): LoadedSlo {
  if (!existsSync(file)) throw new InputError(`SLO file ${file} not found`);
  const raw = readSloDocument(file);
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
