// The scenario packed by the real `k6 archive`: the TypeScript file, its imports, the population
// file it open()s and the -e variables it reads, in one tar that `k6 run` takes on any machine.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { EnvironmentError } from "../../errors.ts";

const run = promisify(execFile);

export async function k6Archive(k6Path: string, scenarioFile: string, env: Record<string, string>, outFile: string): Promise<Uint8Array> {
  const args = ["archive", "--quiet", "--no-color", ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), "-O", outFile, scenarioFile];
  try {
    await run(k6Path, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new EnvironmentError(`k6 archive of ${scenarioFile} failed: ${(e.stderr || e.message).trim().split("\n").slice(-5).join("\n")}`);
  }
  return readFileSync(outFile);
}
