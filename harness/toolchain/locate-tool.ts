// Where a pinned tool comes from: PATH at the pinned version first, then the project's .tools/bin, else missing.
import { join } from "node:path";
import { EnvironmentError } from "../errors.ts";
import { findAllOnPath, isExecutableFile } from "./find-on-path.ts";
import { readToolVersion } from "./read-tool-version.ts";
import { TOOL_SPECS, type ToolName } from "./tool-specs.ts";
import { toolsBinDir } from "./tools-dir.ts";

export type ToolLocation =
  | { name: ToolName; wanted: string; status: "found"; source: "path" | "tools-dir"; path: string; version: string }
  | { name: ToolName; wanted: string; status: "missing"; /** Binaries seen at other versions. */ mismatches: string[] };

export const INSTALL_TOOLS_COMMAND = "npm run tools";

export async function locateTool(name: ToolName): Promise<ToolLocation> {
  const spec = TOOL_SPECS[name];
  const mismatches: string[] = [];
  const local = join(toolsBinDir(), name);
  for (const path of findAllOnPath(name)) {
    if (path === local) continue;
    const version = await readToolVersion(path, spec);
    if (version === spec.version) return { name, wanted: spec.version, status: "found", source: "path", path, version };
    mismatches.push(`${path} is ${version ?? "of unknown version"}`);
  }
  if (isExecutableFile(local)) {
    const version = await readToolVersion(local, spec);
    if (version === spec.version) return { name, wanted: spec.version, status: "found", source: "tools-dir", path: local, version };
    mismatches.push(`${local} is ${version ?? "of unknown version"}`);
  }
  return { name, wanted: spec.version, status: "missing", mismatches };
}

/** The path of a pinned tool, or an EnvironmentError carrying the fix command. */
export async function requireToolPath(name: ToolName): Promise<string> {
  const location = await locateTool(name);
  if (location.status === "found") return location.path;
  throw new EnvironmentError(describeMissingTool(location), INSTALL_TOOLS_COMMAND);
}

export function describeMissingTool(location: Extract<ToolLocation, { status: "missing" }>): string {
  const seen = location.mismatches.length ? ` (found only: ${location.mismatches.join("; ")})` : "";
  return `${location.name} ${location.wanted} is not installed: not on PATH at that version and not in ${toolsBinDir()}${seen}`;
}
