// The simulated users `analyse` needs, taken from the one place the cluster already holds them: the
// k6 archive the runners run (export k8s packs population.json into it, k6 keeps every open()ed file
// as `file/<absolute path>` and the -e variables in metadata.json). The collector mounts the
// archive (its ConfigMap or its volume claim) and copies the population beside its other outputs,
// so the gathered folder is complete without a file added by hand, whatever the population's size.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One member of the archive, read with tar (the harness image's). */
async function member(archive: string, name: string): Promise<string> {
  try {
    const { stdout } = await run("tar", ["-xOf", archive, name], { maxBuffer: 1024 * 1024 * 1024, encoding: "utf8" });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${archive}: member '${name}' could not be read: ${(e.stderr || e.message).trim()}`);
  }
}

/** The population file the archived scenario open()s, copied to `outFile`; returns its archive member name. */
export async function copyArchivedPopulation(archive: string, outFile: string): Promise<string> {
  let env: Record<string, string> | undefined;
  try {
    env = (JSON.parse(await member(archive, "metadata.json")) as { env?: Record<string, string> }).env;
  } catch (error) {
    throw new Error(`${archive}: not a k6 archive (${(error as Error).message})`);
  }
  const path = env?.POPULATION;
  if (!path?.startsWith("/")) throw new Error(`${archive}: metadata.json names no population (env.POPULATION '${path ?? ""}'; allowed: an absolute path, as export k8s sets it)`);
  const name = `file${path}`;
  writeFileSync(outFile, await member(archive, name));
  return name;
}
