// Starts the bundled relay (`node dist/relay.mjs`) as a real child process for tests:
// temp data dir, port-0 listeners, the relay_started line parsed for the bound ports.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRelayBundle } from "../../fixtures/relay/build-relay-bundle.ts";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RELAY_BUNDLE = join(REPO_ROOT, "dist", "relay.mjs");

export interface RelayStartedLine {
  event: "relay_started";
  startupMs: number;
  queuedLoaded: number;
  listeners: string[];
  replayMs: number;
  logBytes: number;
  truncatedBytes: number;
  [key: string]: unknown;
}

export interface RelayExit { code: number | null; signal: NodeJS.Signals | null }

export interface RelayProcess {
  pid: number;
  dataDir: string;
  started: RelayStartedLine;
  /** WebSocket URLs (path /ws), one per listener. */
  wsUrls: string[];
  /** HTTP(S) base URLs, one per listener. */
  httpUrls: string[];
  exited: Promise<RelayExit>;
  stdout(): string;
  stderr(): string;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<RelayExit>;
  /** Resident set size in bytes, from /proc/<pid>/status VmRSS. */
  rssBytes(): number;
}

export interface RelayProcessOptions {
  dataDir?: string;
  listeners?: number;
  env?: Record<string, string>;
  startTimeoutMs?: number;
  /** the relay's descriptor limit (soft and hard), set by prlimit(1) around the process */
  nofile?: number;
}

let bundle: Promise<string> | null = null;
const running = new Set<ChildProcess>();
const tempDirs: string[] = [];

/** Builds dist/relay.mjs once per test process. */
export function ensureRelayBundle(): Promise<string> {
  bundle ??= buildRelayBundle(RELAY_BUNDLE);
  return bundle;
}

export function makeTempDir(prefix = "relay-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export async function startRelayProcess(options: RelayProcessOptions = {}): Promise<RelayProcess> {
  const path = await ensureRelayBundle();
  const dataDir = options.dataDir ?? makeTempDir();
  const listen = Array.from({ length: options.listeners ?? 1 }, () => "127.0.0.1:0").join(",");
  // prlimit execs the relay: the child's pid is the relay's
  const [command, args] = options.nofile === undefined ? [process.execPath, [path]] : ["prlimit", [`--nofile=${options.nofile}:${options.nofile}`, "--", process.execPath, path]];
  const child = spawn(command, args, {
    env: { ...process.env, RELAY_LISTEN: listen, RELAY_DATA_DIR: dataDir, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<RelayExit>((resolve) => {
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const started = await new Promise<RelayStartedLine>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => reject(new Error(`relay not started after ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`)), timeoutMs);
    child.stdout!.on("data", (d: Buffer) => {
      const before = out.length;
      out += d.toString();
      for (const line of out.slice(Math.max(0, out.lastIndexOf("\n", before - 1) + 1)).split("\n")) {
        if (!line.includes('"relay_started"')) continue;
        try {
          clearTimeout(timer);
          resolve(JSON.parse(line) as RelayStartedLine);
        } catch { /* partial line: wait for more */ }
      }
    });
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`relay exited before starting (${JSON.stringify(exit)}); stdout: ${out}; stderr: ${err}`));
    });
  });
  return {
    pid: child.pid!,
    dataDir,
    started,
    wsUrls: started.listeners.map((l) => `${l}/ws`),
    httpUrls: started.listeners.map((l) => l.replace(/^ws/, "http")), // ws -> http, wss -> https
    exited,
    stdout: () => out,
    stderr: () => err,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    rssBytes: () => {
      const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      return match ? Number(match[1]) * 1024 : NaN;
    },
  };
}

/** Kills every relay still running (call in afterEach/afterAll). */
export async function killAllRelays(): Promise<void> {
  const waits = [...running].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  }));
  await Promise.all(waits);
}

/** Kills relays and removes the temp data dirs made by makeTempDir (call in afterAll). */
export async function cleanUpRelays(): Promise<void> {
  await killAllRelays();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
