// Runs `npm run chaos` (harness/cli/main.ts) as a child process and collects what a test checks:
// exit code, output, and the run's folder with its verdict and summary.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ChaosRun { code: number | null; out: string; err: string; runDir: string | null }

export interface RunVerdictFile { gate: string; judgements: { name: string; status: string }[] }

export function runChaos(args: string[], env: Record<string, string | undefined> = {}): Promise<ChaosRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", fail);
    child.on("close", (code) => {
      const runId = /^run (\S+): suite/m.exec(out)?.[1];
      const reports = args[args.indexOf("--reports") + 1];
      done({ code, out, err, runDir: runId && args.includes("--reports") ? join(reports, runId) : null });
    });
  });
}

export function readRunFile<T>(run: ChaosRun, file: string): T {
  if (!run.runDir) throw new Error(`the run wrote no run folder (exit code ${run.code}):\n${run.out}\n${run.err}`);
  return JSON.parse(readFileSync(join(run.runDir, file), "utf8")) as T;
}
