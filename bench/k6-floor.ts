// The k6 floor: the CPU k6 itself spends per message, with no scenario code to speak of
// (bench/k6/bare-client.k6.ts: log in, send opaque bodies, count `sent`, parse and acknowledge
// deliveries). Compared with the harness's own k6 client at the same rate, it tells how much of
// k6's cost per message is the scenario's JavaScript and how much is k6's event loop, WebSocket
// module and JSON, which no change to the scenarios can remove.
//
//   npx tsx bench/k6-floor.ts [--rate 1000] [--seconds 10] [--users 100] [--seal] [--relay ws://host:port/ws]
// Without --relay a local relay (durability fsync, rate limits lifted) is started for the run.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { ensureToolPath } from "../harness/toolchain/ensure-tool.ts";
import { startRelayProcess } from "../test/support/relay-process.ts";
import { flag } from "./cli-flag.ts";
import { writePeerIdentities } from "./peer-identities.ts";
import { cpuAt, round, treeCpuSeconds, type CpuSample } from "./proc-stats.ts";
import { UNLIMITED_RATE_ENV } from "./relay-ceiling.ts";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "k6", "bare-client.k6.ts");

export interface K6FloorOptions {
  relayUrl: string;
  rate: number;
  seconds?: number;
  users?: number;
  /** bytes of each opaque body before base64 (default 450, about a `full` envelope's size) */
  bodyBytes?: number;
  /** seal and open every body with WebCrypto AES-GCM, a key imported per message (the E2E modes' least) */
  seal?: boolean;
  log?: (line: string) => void;
}

export interface K6FloorResult {
  rate: number;
  users: number;
  seconds: number;
  /** `sent` answers per second within the send window */
  ackedPerS: number;
  deliveredPerS: number;
  /** k6's CPU in the send window per acknowledged message, microseconds */
  cpuUsPerMsg: number;
  k6Cores: number;
  usersLoggedIn: number;
}

interface Tally { vu: number; users: number; sent: number; acked: number; ackedInWindow: number; delivered: number }

export async function runK6Floor(options: K6FloorOptions): Promise<K6FloorResult> {
  const log = options.log ?? (() => {});
  const seconds = options.seconds ?? 10;
  const users = Math.max(2, Math.ceil((options.users ?? 100) / 2) * 2);
  const k6 = await ensureToolPath("k6", log);
  const work = mkdtempSync(join(tmpdir(), "k6-floor-"));
  try {
    const identities = join(work, "identities.json");
    const consoleFile = join(work, "console.jsonl");
    await writePeerIdentities(identities, users);
    const startAt = Date.now() + 4000 + users * 5;
    const env = {
      RELAY_URL: options.relayUrl, IDENTITIES: identities, RATE: String(options.rate), SECONDS: String(seconds), START_AT: String(startAt),
      VUS: "2", SEAL: options.seal ? "1" : "0", BODY: randomBytes(options.bodyBytes ?? 450).toString("base64"),
    };
    log(`k6-floor: bare k6 client${options.seal ? " sealing with AES-GCM" : ""}, ${users} users, ${options.rate} msgs/s for ${seconds} s against ${options.relayUrl}`);
    const args = ["run", ...(process.env.K6_PPROF_ADDRESS ? ["--profiling-enabled", "--address", process.env.K6_PPROF_ADDRESS] : []), "--quiet", "--no-usage-report", "--log-format=raw", `--console-output=${consoleFile}`, ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), SCRIPT];
    // the same garbage-collector setting the harness gives k6 (harness/load/run-k6.ts)
    const child = spawn(k6, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, GOGC: process.env.GOGC ?? "400" } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    const samples: CpuSample[] = [];
    let alive = true;
    void exited.then(() => (alive = false));
    while (alive) {
      const cpu = treeCpuSeconds(child.pid!);
      if (Number.isFinite(cpu)) samples.push({ t: Date.now(), cpu });
      await new Promise((r) => setTimeout(r, 100));
    }
    const code = await exited;
    if (code !== 0) throw new Error(`k6 (bare client) exited with ${code ?? "a signal"}:\n${stderr}`);
    const tallies = readFileSync(consoleFile, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Tally);
    const sum = (k: keyof Tally): number => tallies.reduce((n, t) => n + t[k], 0);
    const cpuWindow = cpuAt(samples, startAt + seconds * 1000) - cpuAt(samples, startAt);
    return {
      rate: options.rate, users, seconds,
      ackedPerS: Math.round(sum("ackedInWindow") / seconds),
      deliveredPerS: Math.round(sum("delivered") / seconds),
      cpuUsPerMsg: round((cpuWindow / Math.max(1, sum("ackedInWindow"))) * 1e6, 1),
      k6Cores: round(cpuWindow / seconds, 2),
      usersLoggedIn: sum("users"),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<void> {
  const relay = args.includes("--relay") ? null : await startRelayProcess({ env: UNLIMITED_RATE_ENV });
  const relayUrl = relay ? relay.wsUrls[0] : args[args.indexOf("--relay") + 1];
  try {
    const result = await runK6Floor({ relayUrl, rate: flag(args, "rate", 1000), seconds: flag(args, "seconds", 10), users: flag(args, "users", 100), seal: args.includes("--seal"), log: (l) => console.error(l) });
    console.log(JSON.stringify(result));
  } finally {
    await relay?.stop("SIGTERM");
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(() => process.exit(0), (err: Error) => {
    console.error(`k6-floor: ${err.stack ?? err.message}`);
    process.exit(1);
  });
}
