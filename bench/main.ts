// `npm run bench`: what the load generator can do against what the relay can do, measured in the
// same run on the same machine, each figure printed with its ratio to its baseline or target.
// Bounded: about 10 minutes on 2 cores. Writes reports/bench/<time>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { CRYPTO_MODES, type CryptoMode } from "../scenarios/lib/scenario-settings.ts";
import { runArtilleryPeer } from "./artillery-peer.ts";
import { chaosRun, type WindowFigures } from "./chaos-run.ts";
import { runK6Floor } from "./k6-floor.ts";
import { formatShare, ROLES } from "./machine-share.ts";
import { UNLIMITED_RATE_ENV, measureRelayCeiling, measureRelayMemoryPerConnection } from "./relay-ceiling.ts";
import { measureStoreForward } from "./relay-store-forward.ts";
import { steppedSearch, type SearchResult } from "./stepped-search.ts";
import { startRelayProcess } from "../test/support/relay-process.ts";

const TARGETS = {
  fullMsgsPerS: 2000, sessionMsgsPerS: 4000, opaqueShareOfCeiling: 0.5,
  fullCpuUsPerMsg: 500, opaqueCpuUsPerMsg: 60, connectedUsers: 10_000, baselineP50OverStoreForward: 2,
};

interface Row { figure: string; value: string; against: string; ratio: string }

const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
const started = Date.now();
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? "-" : `${(a / b).toFixed(2)}x`);
const fmt = (v: number | null | undefined, unit = "") => (v == null ? "-" : `${Math.round(v).toLocaleString("en-US")}${unit}`);

async function main(): Promise<void> {
  const benchDir = resolve("reports", "bench", new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, ""));
  mkdirSync(benchDir, { recursive: true });
  const rows: Row[] = [];
  const add = (figure: string, value: string, against: string, r: string) => rows.push({ figure, value, against, ratio: r });

  log("relay ceiling: minimal Node ws client, durable acks (fsync), then acks without fsync");
  const ceiling = await measureRelayCeiling({ durability: "fsync", seconds: 8, log });
  const ceilingNoSync = await measureRelayCeiling({ durability: "none", seconds: 8, log });
  add("relay ceiling, durable acks (msgs/s)", fmt(ceiling.msgsPerS), "baseline", "1.00x");
  add("relay ceiling, acks without fsync (msgs/s)", fmt(ceilingNoSync.msgsPerS), `durable ${fmt(ceiling.msgsPerS)}`, ratio(ceilingNoSync.msgsPerS, ceiling.msgsPerS));

  const searches: Record<string, SearchResult> = {};
  const start: Record<CryptoMode, number> = { full: 250, session: 250, opaque: 500 };
  for (const crypto of CRYPTO_MODES) {
    log(`sustained E2E throughput, crypto ${crypto}: stepped search (p99 < 250 ms, no saturation)`);
    searches[crypto] = await steppedSearch({ crypto, users: 200, startRate: start[crypto], maxRate: 16_000, durationS: 10, warmupS: 6, benchDir, log });
  }
  for (const crypto of CRYPTO_MODES) {
    const best = searches[crypto].best;
    const target = crypto === "full" ? TARGETS.fullMsgsPerS : crypto === "session" ? TARGETS.sessionMsgsPerS : TARGETS.opaqueShareOfCeiling * ceiling.msgsPerS;
    add(`harness throughput, ${crypto} (delivered msgs/s)`, fmt(best?.deliveredPerS ?? 0), `relay ceiling ${fmt(ceiling.msgsPerS)}`, ratio(best?.deliveredPerS ?? 0, ceiling.msgsPerS));
    add(`  against its target`, fmt(best?.deliveredPerS ?? 0), `target ${fmt(target)}`, ratio(best?.deliveredPerS ?? 0, target));
  }
  // the lowest rate that missed: whether k6 ran out, or the machine it shares with the relay and Toxiproxy
  for (const crypto of CRYPTO_MODES) {
    const missed = searches[crypto].steps.filter((s) => !s.passed).sort((a, b) => a.load.rate - b.load.rate)[0];
    const m = missed?.machine;
    if (!missed || !m) continue;
    const used = ROLES.reduce((n, r) => n + (m[r] ?? 0), 0);
    add(`machine at the lowest missed rate, ${crypto} (${fmt(missed.load.rate)} msgs/s)`, formatShare(m), `${availableParallelism()} cores`, `${(used / availableParallelism()).toFixed(2)} busy`);
  }
  const cpuOf = (crypto: CryptoMode): WindowFigures | undefined => searches[crypto].best ?? searches[crypto].steps[0];
  for (const crypto of CRYPTO_MODES) {
    const step = cpuOf(crypto);
    const target = crypto === "full" ? TARGETS.fullCpuUsPerMsg : crypto === "opaque" ? TARGETS.opaqueCpuUsPerMsg : null;
    add(`k6 CPU per delivered message, ${crypto} (us, at ${fmt(step?.load.rate)} msgs/s)`, fmt(step?.k6CpuUsPerMsg), target ? `target ${target}` : `full ${fmt(cpuOf("full")?.k6CpuUsPerMsg)}`, ratio(step?.k6CpuUsPerMsg, target ?? cpuOf("full")?.k6CpuUsPerMsg));
  }

  log("steady baseline: 40 msgs/s, crypto full, against the relay's own store-and-forward time at the same rate");
  const storeForward = await measureStoreForward({ rate: 40, seconds: 8, log });
  const baseline = await chaosRun({ users: 100, rate: 40, crypto: "full", durationS: 10, warmupS: 6 }, benchDir, log);
  add("steady baseline delivery p50 at 40 msgs/s (ms)", fmt(baseline.p50Ms), `relay store-and-forward p50 ${storeForward.deliverP50Ms} ms at 40 msgs/s (target within ${TARGETS.baselineP50OverStoreForward}x)`, ratio(baseline.p50Ms, storeForward.deliverP50Ms));

  log(`connected users: ${TARGETS.connectedUsers.toLocaleString("en-US")} users, crypto opaque, 500 msgs/s`);
  const crowd = await chaosRun({ users: TARGETS.connectedUsers, rate: 500, crypto: "opaque", durationS: 20, warmupS: 25 }, benchDir, log);
  add("connected users held (all delivered?)", `${fmt(crowd.usersConnected)} (${crowd.delivered}/${crowd.sent})`, `target ${fmt(TARGETS.connectedUsers)}`, ratio(crowd.usersConnected, TARGETS.connectedUsers));
  const small = cpuOf("opaque");
  const k6PerUserKb = crowd.k6PeakRssMb && small?.k6PeakRssMb ? ((crowd.k6PeakRssMb - small.k6PeakRssMb) * 1024) / (crowd.load.users - small.load.users) : null;
  const relayMemory = await measureRelayMemoryPerConnection({ sockets: 1000, log });
  add("memory per connected user in k6 (KB RSS)", fmt(k6PerUserKb), `relay ${relayMemory.rssKbPerSocket} KB`, ratio(k6PerUserKb, relayMemory.rssKbPerSocket));
  add("memory per connected user in the relay (KB RSS)", fmt(relayMemory.rssKbPerSocket), "-", "-");

  log("peer: Artillery's WebSocket engine, plaintext, same relay build, 1,000 msgs/s; then the k6 floor: a bare k6 client, without and with AES-GCM");
  const relay = await startRelayProcess({ env: UNLIMITED_RATE_ENV });
  let artillery, floor, sealedFloor;
  try {
    artillery = await runArtilleryPeer({ relayUrl: relay.wsUrls[0], rate: 1000, seconds: 10, users: 100, log });
    floor = await runK6Floor({ relayUrl: relay.wsUrls[0], rate: 1000, seconds: 10, users: 100, log });
    sealedFloor = await runK6Floor({ relayUrl: relay.wsUrls[0], rate: 1000, seconds: 10, users: 100, seal: true, log });
  } finally {
    await relay.stop("SIGTERM");
  }
  const atRate = (crypto: CryptoMode) => searches[crypto].steps.find((s) => s.load.rate === 1000) ?? cpuOf(crypto);
  const k6AtPeer = atRate("opaque");
  add("Artillery CPU per message, plaintext (us)", fmt(artillery.cpuUsPerMsg), `k6 opaque ${fmt(k6AtPeer?.k6CpuUsPerMsg)} us at ${fmt(k6AtPeer?.load.rate)}/s`, ratio(k6AtPeer?.k6CpuUsPerMsg, artillery.cpuUsPerMsg) + " (k6/Artillery)");
  // what k6 itself costs per message, with no scenario code: a target below it cannot be met in k6
  add("k6 floor, bare client (us per message at 1,000/s)", fmt(floor.cpuUsPerMsg), `k6 opaque ${fmt(k6AtPeer?.k6CpuUsPerMsg)} us; target ${TARGETS.opaqueCpuUsPerMsg} us`, ratio(k6AtPeer?.k6CpuUsPerMsg, floor.cpuUsPerMsg) + " (harness/floor)");
  const fullAtRate = atRate("full");
  add("k6 floor, sealing each body with AES-GCM (us per message at 1,000/s)", fmt(sealedFloor.cpuUsPerMsg), `k6 full ${fmt(fullAtRate?.k6CpuUsPerMsg)} us at ${fmt(fullAtRate?.load.rate)}/s; target ${TARGETS.fullCpuUsPerMsg} us`, ratio(fullAtRate?.k6CpuUsPerMsg, sealedFloor.cpuUsPerMsg) + " (harness/floor)");

  const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const widths = ["figure", "value", "against", "ratio"].map((k) => Math.max(k.length, ...rows.map((r) => r[k as keyof Row].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(`\nbench on ${machine}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  console.log(line(["figure", "value", "against", "ratio"]));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line([r.figure, r.value, r.against, r.ratio]));
  const out = join(benchDir, "bench.json");
  writeFileSync(out, JSON.stringify({ machine, rows, ceiling, ceilingNoSync, storeForward, searches, baseline, crowd, relayMemory, artillery }, null, 2));
  console.log(`\nfigures and every step: ${out}`);
}

main().then(() => process.exit(0), (e: Error) => {
  console.error(`bench failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
