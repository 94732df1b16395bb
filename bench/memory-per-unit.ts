// The memory figures behind the size check (harness/run/size-figures.ts) that `npm run bench` does
// not take itself: the harness's heap per generated user (identities, prekeys, social graph and
// earlier sessions, as run-scenario.ts holds them) and the population file's bytes per user, the
// harness's heap per message of the run's record (the client events and the message records built
// from them), the reference relay's resident memory per stored backlog message (as
// preload-backlog.ts stores them), and k6's resident memory per VU on a scenario (its own JS
// runtime with the scenario bundle each). Small and quick (well under a minute on 2 cores):
//
//   node --expose-gc --import tsx bench/memory-per-unit.ts [--users 3000] [--messages 200000] [--backlog 50000] [--vus 16]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import type { ClientEvent } from "../scenarios/lib/client-events.ts";
import { toK6Env, scenarioSettings } from "../scenarios/lib/scenario-settings.ts";
import { generatePopulation, writePopulationFile } from "../harness/load/population.ts";
import { preloadBacklog } from "../harness/load/preload-backlog.ts";
import { buildMessageRecords } from "../harness/record/message-records.ts";
import { ensureToolPath } from "../harness/toolchain/ensure-tool.ts";
import { startRelayProcess } from "../test/support/relay-process.ts";
import { flag } from "./cli-flag.ts";
import { UNLIMITED_RATE_ENV } from "./relay-ceiling.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error("run with node --expose-gc --import tsx bench/memory-per-unit.ts");
  process.exit(2);
}
const heapUsed = (): number => {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
};
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const log = (line: string) => console.error(line);

async function generatorPerUser(users: number): Promise<{ users: number; heapBytesPerUser: number; fileBytesPerUser: number; seconds: number }> {
  const before = heapUsed();
  const started = performance.now();
  const population = await generatePopulation({ users, seed: 1, contactsPerUser: 5, oneTimePrekeys: 5, cache: false });
  const seconds = (performance.now() - started) / 1000;
  const after = heapUsed();
  const dir = mkdtempSync(join(tmpdir(), "memory-per-unit-"));
  try {
    const file = join(dir, "population.json");
    await writePopulationFile(file, population);
    const fileBytes = statSync(file).size;
    if (population.members.length !== users) throw new Error("population incomplete");
    return { users, heapBytesPerUser: round((after - before) / users), fileBytesPerUser: round(fileBytes / users), seconds: round(seconds, 2) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each message as a run records it: sent, acked and delivered, read back by the harness, and its record. */
function harnessPerMessage(messages: number): { messages: number; heapBytesPerMessage: number } {
  const before = heapUsed();
  const events: ClientEvent[] = [];
  const t = Date.now();
  for (let i = 0; i < messages; i++) {
    const from = i % 10_000;
    const id = `${from}.${Math.floor(i / 10_000)}`;
    events.push({ ev: "sent", id, from, to: (from + 7) % 10_000, seq: Math.floor(i / 10_000), t: t + i, ep: "direct-a" });
    events.push({ ev: "acked", id: `${id}`, t: t + i + 3, ep: "direct-a" });
    events.push({ ev: "delivered", id: `${id}`, from, to: (from + 7) % 10_000, t: t + i + 5, sentAt: t + i, dup: false, ep: "direct-b" });
  }
  const records = buildMessageRecords(events);
  const after = heapUsed();
  if (records.length !== messages) throw new Error("records incomplete");
  return { messages, heapBytesPerMessage: round((after - before) / messages) };
}

async function relayPerStoredMessage(backlog: number): Promise<{ messages: number; rssBytesPerMessage: number; logBytesPerMessage: number; baselineRssMb: number }> {
  const relay = await startRelayProcess({ env: { ...UNLIMITED_RATE_ENV, RELAY_DURABILITY: "none" } });
  try {
    await preloadBacklog(relay.wsUrls[0], 1000, () => {}); // the store's structures, warm
    await new Promise((r) => setTimeout(r, 500));
    const base = relay.rssBytes();
    await preloadBacklog(relay.wsUrls[0], backlog, () => {});
    await new Promise((r) => setTimeout(r, 1000));
    const after = relay.rssBytes();
    // the measure RELAY_MAX_STORED_BYTES bounds: each message's log line
    const logBytes = statSync(join(relay.dataDir, "relay-log.jsonl")).size;
    return { messages: backlog, rssBytesPerMessage: round((after - base) / backlog), logBytesPerMessage: round(logBytes / (backlog + 1000)), baselineRssMb: round(base / 2 ** 20, 1) };
  } finally {
    await relay.stop("SIGTERM");
  }
}

/** k6 on the steady scenario with 1 VU and with `vus` VUs (the same users), its peak RSS each time. */
async function k6PerVu(vus: number): Promise<{ vus: number; rssBytesPerVu: number; peakRssMb: Record<string, number> }> {
  const k6 = await ensureToolPath("k6", log);
  const relay = await startRelayProcess({ env: UNLIMITED_RATE_ENV });
  const dir = mkdtempSync(join(tmpdir(), "memory-per-vu-"));
  try {
    const users = vus * 4;
    const populationFile = join(dir, "population.json");
    await writePopulationFile(populationFile, await generatePopulation({ users, seed: 1, contactsPerUser: 3, oneTimePrekeys: 5, cache: false }));
    const peak = async (n: number): Promise<number> => {
      const settings = scenarioSettings("steady", { users, vus: n, rate: 10, warmupS: 4, durationS: 3, drainS: 1 });
      const env = toK6Env(settings, { runId: "memory", populationFile, endpoints: `direct-a=${relay.wsUrls[0]}`, directEndpoints: "1", summaryFile: join(dir, `summary-${n}.json`) });
      const args = ["run", "--no-usage-report", "--quiet", `--console-output=${join(dir, `console-${n}.jsonl`)}`, ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), "scenarios/steady.ts"];
      const child = spawn(k6, args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, GOGC: "400" } });
      let max = 0;
      const timer = setInterval(() => {
        try {
          const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
          if (kb) max = Math.max(max, Number(kb) * 1024);
        } catch { /* gone */ }
      }, 100);
      await new Promise((resolve) => child.on("exit", resolve));
      clearInterval(timer);
      return max;
    };
    const one = await peak(1);
    const many = await peak(vus);
    return { vus, rssBytesPerVu: round((many - one) / (vus - 1)), peakRssMb: { "1": round(one / 2 ** 20, 1), [String(vus)]: round(many / 2 ** 20, 1) } };
  } finally {
    await relay.stop("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const machine = `${availableParallelism()} cores, ${round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
log(`memory per unit on ${machine}`);
const generator = await generatorPerUser(flag(args, "users", 3000));
log(`generator: ${JSON.stringify(generator)}`);
const harness = harnessPerMessage(flag(args, "messages", 200_000));
log(`harness record: ${JSON.stringify(harness)}`);
const relay = await relayPerStoredMessage(flag(args, "backlog", 50_000));
log(`relay backlog: ${JSON.stringify(relay)}`);
const k6 = await k6PerVu(flag(args, "vus", 16));
log(`k6 per VU: ${JSON.stringify(k6)}`);
const out = JSON.stringify({ machine, measuredAt: new Date().toISOString(), generator, harness, relay, k6 }, null, 2);
console.log(out);
const file = process.env.MEMORY_PER_UNIT_OUT;
if (file) writeFileSync(file, out);
process.exit(0);
