// Runs a binary with its version flag and reads the version it reports.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { ToolSpec } from "./tool-specs.ts";

const run = promisify(execFile);

/** The reported version, or undefined when the binary does not run or prints no version. */
export async function readToolVersion(binary: string, spec: ToolSpec): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(binary, spec.versionArgs, { timeout: 10_000 });
    return spec.versionPattern.exec(`${stdout}\n${stderr}`)?.[1];
  } catch (error) {
    // Some tools print their version and exit non-zero; keep what they said.
    const e = error as { stdout?: string; stderr?: string };
    return spec.versionPattern.exec(`${e.stdout ?? ""}\n${e.stderr ?? ""}`)?.[1];
  }
}
