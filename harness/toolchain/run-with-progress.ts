// Runs a long build step, streaming its output and printing a heartbeat so the user sees it is alive.
import { spawn } from "node:child_process";
import { EnvironmentError } from "../errors.ts";

export interface ProgressStep {
  label: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How often to print "still <label> ... Ns". */
  heartbeatMs?: number;
  log?: (line: string) => void;
}

export async function runWithProgress(step: ProgressStep): Promise<void> {
  const log = step.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = Date.now();
  const shown = `${step.command} ${step.args.join(" ")}`;
  log(`-> ${step.label}: ${shown}${step.cwd ? ` (in ${step.cwd})` : ""}`);
  const child = spawn(step.command, step.args, {
    cwd: step.cwd,
    env: step.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      log(`   ${line}`);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const timer = setInterval(
    () => log(`   ... still ${step.label} (${Math.round((Date.now() - started) / 1000)} s)`),
    step.heartbeatMs ?? 15_000,
  );
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
    if (code !== 0) {
      throw new EnvironmentError(`${step.label} failed (exit ${code}) after ${Math.round((Date.now() - started) / 1000)} s: ${shown}\n${tail.join("\n")}`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new EnvironmentError(`${step.label}: ${step.command} is not installed`);
    }
    throw error;
  } finally {
    clearInterval(timer);
  }
  log(`   done: ${step.label} in ${Math.round((Date.now() - started) / 1000)} s`);
}
