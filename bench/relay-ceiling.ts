// The reference relay's own ceiling: the relay as a child process (rate limits lifted), driven by
// a minimal Node `ws` pool in this process (no E2E work): N senders each pipelining sends of
// 256-byte random bodies with at most `window` unacknowledged, N recipients online acking every
// delivery. After a warm-up, counts `sent` answers (stored) and deliveries over a fixed window,
// and reads the relay's CPU and RSS from /proc. Run with durability fsync (the default: `sent`
// after fdatasync) and none (no fdatasync) to show what durability costs.
//
//   npx tsx bench/relay-ceiling.ts [--seconds 8] [--senders 20] [--window 64] [--sockets 1000]
import { flag } from "./cli-flag.ts";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type WebSocket from "ws";
import { NodeRelayClient } from "../harness/load/node-relay-client.ts";
import { startRelayProcess, type RelayProcess } from "../test/support/relay-process.ts";
import { cpuSeconds, filesystemOf, percentile, promValue, round, rssMb } from "./proc-stats.ts";

export type Durability = "fsync" | "none";

/** Relay settings that lift the per-sender token bucket out of the way. */
export const UNLIMITED_RATE_ENV = { RELAY_RATE_PER_SEC: "1000000000", RELAY_RATE_BURST: "1000000000" };

export interface RelayCeilingOptions {
  durability?: Durability;
  /** measured window after the warm-up, seconds (default 8) */
  seconds?: number;
  /** sender identities; as many recipients, sender i sends to recipient i (default 20) */
  senders?: number;
  /** unacknowledged sends each sender keeps in flight (default 64) */
  window?: number;
  warmupSeconds?: number;
  bodyBytes?: number;
  /** the relay's data directory (default: a fresh temp dir, removed afterwards) */
  dataDir?: string;
  /** progress lines go here (default: none) */
  log?: (line: string) => void;
}

export interface RelayCeilingResult {
  durability: Durability;
  senders: number;
  window: number;
  bodyBytes: number;
  seconds: number;
  /** messages answered with `sent` (stored) per second in the window */
  msgsPerS: number;
  /** deliver frames received by the recipients per second in the window */
  deliveredPerS: number;
  /** relay process CPU over the window, cores (1 = one core busy) */
  relayCpuCores: number;
  /** relay CPU per stored message, microseconds */
  relayCpuUsPerMsg: number;
  /** relay resident memory at the end of the window, MB */
  relayRssMb: number;
  /** this process (the client pool) CPU over the window, cores: near 1 means the pool limited */
  clientCpuCores: number;
  /** send -> `sent` latency in the window, ms */
  ackP50Ms: number;
  ackP99Ms: number;
  /** log commits (write [+ fdatasync]) per second and their mean duration, from /metrics */
  commitsPerS: number;
  commitMeanMs: number;
  /** error frames received (any code) during the whole run */
  errors: number;
  /** runtime log compactions during the run */
  compactions: number;
  /** filesystem type of the data directory (fsync on tmpfs is free) */
  dataDirFs: string;
}

interface Sender {
  ws: WebSocket;
  to: string;
  seq: number;
  inFlight: number;
  /** send times (performance.now) of unanswered sends, in send order (answers come in order) */
  sentAt: number[];
  head: number;
}

const BODY_POOL = 512;

function bodyPool(bytes: number): string[] {
  return Array.from({ length: BODY_POOL }, () => randomBytes(bytes).toString("base64"));
}

async function metricsText(relay: RelayProcess): Promise<string> {
  const res = await fetch(`${relay.httpUrls[0]}/metrics`);
  return res.text();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function connectAll(url: string, n: number, onFrame: (index: number, text: string) => void): Promise<NodeRelayClient[]> {
  const clients: NodeRelayClient[] = [];
  const BATCH = 50;
  for (let i = 0; i < n; i += BATCH) {
    const batch = await Promise.all(Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => NodeRelayClient.connect(url, () => {}).then((client) => {
      const index = i + k;
      // Replace the validating decoder with a bare text handler: the pool must stay cheap.
      client.ws.removeAllListeners("message");
      client.ws.on("message", (data: Buffer) => onFrame(index, data.toString("utf8")));
      client.ws.on("error", () => {});
      return client;
    })));
    clients.push(...batch);
  }
  return clients;
}

export async function measureRelayCeiling(options: RelayCeilingOptions = {}): Promise<RelayCeilingResult> {
  const durability = options.durability ?? "fsync";
  const seconds = options.seconds ?? 8;
  const warmupSeconds = options.warmupSeconds ?? 2;
  const n = options.senders ?? 20;
  const window = options.window ?? 64;
  const bodyBytes = options.bodyBytes ?? 256;
  const log = options.log ?? (() => {});
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "relay-ceiling-"));
  const bodies = bodyPool(bodyBytes);

  const relay = await startRelayProcess({ dataDir, env: { ...UNLIMITED_RATE_ENV, RELAY_DURABILITY: durability } });
  const url = relay.wsUrls[0];
  let senders: Sender[] = [];
  let recipients: NodeRelayClient[] = [];
  let senderClients: NodeRelayClient[] = [];
  try {
    let acked = 0;
    let delivered = 0;
    let errors = 0;
    let measuring = false;
    let running = true;
    const latencies: number[] = [];
    let bodyIndex = 0;

    const pump = (s: Sender): void => {
      while (running && s.inFlight < window) {
        const id = `c${s.seq++}`;
        s.sentAt.push(performance.now());
        s.inFlight++;
        s.ws.send(`{"type":"send","id":"${id}","to":"${s.to}","body":"${bodies[bodyIndex++ % BODY_POOL]}"}`);
      }
      if (s.head > 4096) { // drop answered entries now and then
        s.sentAt = s.sentAt.slice(s.head);
        s.head = 0;
      }
    };

    // Recipients: ack every delivery, batched per socket and flushed once per turn of the loop.
    const pendingAcks = new Map<number, { from: string; id: string }[]>();
    let flushScheduled = false;
    const flushAcks = (): void => {
      flushScheduled = false;
      for (const [index, acks] of pendingAcks) recipients[index]?.ws.send(JSON.stringify({ type: "ack", acks }));
      pendingAcks.clear();
    };
    recipients = await connectAll(url, n, (index, text) => {
      const frame = JSON.parse(text) as { type: string; id?: string; from?: string };
      if (frame.type === "deliver") {
        delivered++;
        let acks = pendingAcks.get(index);
        if (!acks) pendingAcks.set(index, (acks = []));
        acks.push({ from: frame.from!, id: frame.id! });
        if (acks.length >= 1000) {
          recipients[index].ws.send(JSON.stringify({ type: "ack", acks }));
          pendingAcks.delete(index);
        }
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flushAcks);
        }
      } else if (frame.type === "error") {
        errors++;
      }
    });
    senderClients = await connectAll(url, n, (index, text) => {
      const s = senders[index];
      if (text.startsWith('{"type":"sent"')) {
        const at = s.sentAt[s.head++];
        s.inFlight--;
        acked++;
        if (measuring) latencies.push(performance.now() - at);
        pump(s);
      } else if (text.includes('"type":"error"')) {
        errors++;
        s.head++;
        s.inFlight--;
        pump(s);
      }
    });
    senders = senderClients.map((c, i) => ({ ws: c.ws, to: recipients[i].identity.userId, seq: 0, inFlight: 0, sentAt: [], head: 0 }));
    log(`relay-ceiling ${durability}: ${n} senders x window ${window}, ${bodyBytes}-byte bodies; warm-up ${warmupSeconds} s, measuring ${seconds} s`);
    for (const s of senders) pump(s);

    await sleep(warmupSeconds * 1000);
    const m0 = await metricsText(relay);
    const start = { t: performance.now(), acked, delivered, relayCpu: cpuSeconds(relay.pid), client: process.cpuUsage() };
    measuring = true;
    await sleep(seconds * 1000);
    measuring = false;
    const end = { t: performance.now(), acked, delivered, relayCpu: cpuSeconds(relay.pid), client: process.cpuUsage(start.client) };
    const relayRss = rssMb(relay.pid);
    const m1 = await metricsText(relay);
    running = false;

    const elapsed = (end.t - start.t) / 1000;
    const stored = end.acked - start.acked;
    const commits = promValue(m1, "relay_store_latency_seconds_count") - promValue(m0, "relay_store_latency_seconds_count");
    const commitSeconds = promValue(m1, "relay_store_latency_seconds_sum") - promValue(m0, "relay_store_latency_seconds_sum");
    latencies.sort((a, b) => a - b);
    const relayCpu = end.relayCpu - start.relayCpu;
    return {
      durability, senders: n, window, bodyBytes, seconds: round(elapsed, 2),
      msgsPerS: Math.round(stored / elapsed),
      deliveredPerS: Math.round((end.delivered - start.delivered) / elapsed),
      relayCpuCores: round(relayCpu / elapsed, 2),
      relayCpuUsPerMsg: round((relayCpu / Math.max(1, stored)) * 1e6, 1),
      relayRssMb: round(relayRss),
      clientCpuCores: round((end.client.user + end.client.system) / 1e6 / elapsed, 2),
      ackP50Ms: round(percentile(latencies, 50), 2),
      ackP99Ms: round(percentile(latencies, 99), 2),
      commitsPerS: Math.round(commits / elapsed),
      commitMeanMs: round((commitSeconds / Math.max(1, commits)) * 1000, 3),
      errors,
      compactions: (relay.stdout().match(/"store_compacted"/g) ?? []).length,
      dataDirFs: filesystemOf(dataDir),
    };
  } finally {
    for (const c of [...senderClients, ...recipients]) c.ws.terminate();
    await relay.stop("SIGTERM");
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface RelayMemoryOptions {
  /** idle authenticated sockets to open (default 1000) */
  sockets?: number;
  /** sockets opened first, before the baseline reading, to warm up code paths (default 50) */
  warmSockets?: number;
  log?: (line: string) => void;
}

export interface RelayMemoryResult {
  sockets: number;
  baselineRssMb: number;
  rssMb: number;
  /** RSS growth per idle authenticated socket, KB */
  rssKbPerSocket: number;
  /** V8 heap-used growth per socket, KB (from the relay's /metrics) */
  heapKbPerSocket: number;
  /** time to open and log in all sockets, ms */
  connectMs: number;
}

/** Opens K authenticated idle sockets against a fresh relay and reports its memory growth per socket. */
export async function measureRelayMemoryPerConnection(options: RelayMemoryOptions = {}): Promise<RelayMemoryResult> {
  const k = options.sockets ?? 1000;
  const warm = options.warmSockets ?? 50;
  const log = options.log ?? (() => {});
  const dataDir = mkdtempSync(join(tmpdir(), "relay-memory-"));
  const relay = await startRelayProcess({ dataDir, env: UNLIMITED_RATE_ENV });
  const clients: NodeRelayClient[] = [];
  const heapUsed = async (): Promise<number> => promValue(await metricsText(relay), "nodejs_heap_size_used_bytes") / 1024;
  try {
    clients.push(...(await connectAll(relay.wsUrls[0], warm, () => {})));
    await sleep(500);
    const baseRss = rssMb(relay.pid);
    const baseHeap = await heapUsed();
    log(`relay-memory: baseline ${round(baseRss)} MB with ${warm} sockets; opening ${k} more`);
    const t0 = performance.now();
    clients.push(...(await connectAll(relay.wsUrls[0], k, () => {})));
    const connectMs = performance.now() - t0;
    await sleep(1000);
    const rss = rssMb(relay.pid);
    const heap = await heapUsed();
    return {
      sockets: k,
      baselineRssMb: round(baseRss),
      rssMb: round(rss),
      rssKbPerSocket: round(((rss - baseRss) * 1024) / k, 1),
      heapKbPerSocket: round((heap - baseHeap) / k, 1),
      connectMs: Math.round(connectMs),
    };
  } finally {
    for (const c of clients) c.ws.terminate();
    await relay.stop("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<void> {
  const log = (line: string): void => console.error(line);
  const seconds = flag(args, "seconds", 8);
  const senders = flag(args, "senders", 20);
  const window = flag(args, "window", 64);
  const sockets = flag(args, "sockets", 1000);
  const results: RelayCeilingResult[] = [];
  for (const durability of ["fsync", "none"] as const) {
    const r = await measureRelayCeiling({ durability, seconds, senders, window, log });
    results.push(r);
    console.log(JSON.stringify(r));
  }
  const memory = await measureRelayMemoryPerConnection({ sockets, log });
  console.log(JSON.stringify({ memory }));
  const [fsync, none] = results;
  console.log(
    `relay ceiling: fsync ${fsync.msgsPerS} stored/s, ${fsync.deliveredPerS} delivered/s at ${fsync.relayCpuCores} cores (${fsync.relayCpuUsPerMsg} us/msg), ` +
    `p50 ack ${fsync.ackP50Ms} ms; none ${none.msgsPerS} stored/s, ${none.deliveredPerS} delivered/s at ${none.relayCpuCores} cores (${none.relayCpuUsPerMsg} us/msg), ` +
    `p50 ack ${none.ackP50Ms} ms; durability costs ${round((1 - fsync.msgsPerS / none.msgsPerS) * 100)}% of throughput; ` +
    `${memory.rssKbPerSocket} KB RSS per idle socket (${memory.sockets} sockets)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`relay-ceiling: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
