// `npm run bench`: what the load generator can do against what the relay can do, measured in the
// same run on the same machine, each figure printed with its ratio to its baseline or target; then
// the same full-crypto stepped search against each XMPP server (Prosody, ejabberd), with the
// server's own CPU at the lowest rate that missed. Writes reports/bench/<time>/bench.json.
// Bounded: the relay's figures take about 9-10 minutes on 2 cores; the two server searches add at
// most 10 runs of about 25 s, under 6 minutes (each at most 5 steps: 250, 500, 1,000, 2,000 msgs/s
// and one step back halfway; SERVER_MAX_RATE caps them, as the harness's own `full` rate on this
// machine is at or below it; 2.7-3.1 minutes measured); then the relay's full-crypto search again
// with `--segments 2` (two k6 instances, one merged log) beside the one-instance search, and with
// `--segments <cores>` on a machine with more than 2 cores. `npm run bench -- --only servers` runs
// only the full-crypto searches against the relay, Prosody and ejabberd (about 5 minutes);
// `--only segments` only the relay's full-crypto search with 1 and with 2 (and <cores>) instances.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import type { XmppTargetName } from "../harness/targets/target.ts";
import { CRYPTO_MODES, type CryptoMode } from "../scenarios/lib/scenario-settings.ts";
import { runArtilleryPeer } from "./artillery-peer.ts";
import { BenchArgsError, parseBenchArgs, type BenchArgs } from "./bench-args.ts";
import { fmt, ratio, type Row } from "./bench-row.ts";
import { chaosRun, type WindowFigures } from "./chaos-run.ts";
import { runK6Floor } from "./k6-floor.ts";
import { formatShare, ROLES } from "./machine-share.ts";
import { MAX_SEGMENTS } from "../harness/run/run-flags.ts";
import { segmentsRows, segmentsSummary, wideSegments, type SegmentSearches } from "./segments-rows.ts";
import { UNLIMITED_RATE_ENV, measureRelayCeiling, measureRelayMemoryPerConnection } from "./relay-ceiling.ts";
import { measureStoreForward } from "./relay-store-forward.ts";
import { lowestMissed, serverRows, serverSummary, throughputValue } from "./server-rows.ts";
import { steppedSearch, type SearchOptions, type SearchResult } from "./stepped-search.ts";
import { startRelayProcess } from "../test/support/relay-process.ts";

const TARGETS = {
  fullMsgsPerS: 2000, sessionMsgsPerS: 4000, opaqueShareOfCeiling: 0.5,
  fullCpuUsPerMsg: 500, opaqueCpuUsPerMsg: 60, connectedUsers: 10_000, baselineP50OverStoreForward: 2,
};

/** The XMPP servers searched after the relay, in this order. */
const XMPP_SERVERS: XmppTargetName[] = ["prosody", "ejabberd"];
/**
 * The highest rate a server's search asks for: at most 4 doublings from 250 and one step back
 * (5 runs, under 3 minutes per server). The harness's `full` mode has sustained about 1,500
 * msgs/s against the relay on 2 cores, so a server's search on such a machine ends below it; a
 * server that passes every step says so ("no step missed; the search stops at 2,000").
 */
const SERVER_MAX_RATE = 2000;

const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
const started = Date.now();

async function main(args: BenchArgs): Promise<void> {
  const benchDir = resolve("reports", "bench", new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, ""));
  mkdirSync(benchDir, { recursive: true });
  const rows: Row[] = [];
  const add = (figure: string, value: string, against: string, r: string) => rows.push({ figure, value, against, ratio: r });
  const cores = availableParallelism();
  const start: Record<CryptoMode, number> = { full: 250, session: 250, opaque: 500 };
  // the relay's searches and the servers' share these; only the target and the cap differ
  const searchOf = (crypto: CryptoMode): Omit<SearchOptions, "maxRate"> => ({ crypto, users: 200, startRate: start[crypto], durationS: 10, warmupS: 6, benchDir, log });
  const machineRow = (search: SearchResult, label?: string) => {
    const missed = lowestMissed(search);
    const m = missed?.machine;
    if (!missed || !m) return;
    const used = ROLES.reduce((n, r) => n + (m[r] ?? 0), 0);
    const who = label ?? (search.target === "relay" ? search.crypto : `${search.target} ${search.crypto}`);
    // what the whole machine did beside this run's processes (a shared machine): other work
    const other = missed.machineBusyCores === null ? "" : `, other work ${Math.max(0, missed.machineBusyCores - used).toFixed(2)}`;
    add(`machine at the lowest missed rate, ${who} (${fmt(missed.load.rate)} msgs/s)`, `${formatShare(m)}${other}`, `${cores} cores`, `${(used / cores).toFixed(2)} busy`);
  };
  const serverSearches = async (relayFull: SearchResult) => {
    const found: Partial<Record<XmppTargetName, SearchResult>> = {};
    for (const target of XMPP_SERVERS) {
      log(`sustained E2E throughput against ${target}, crypto full: the same stepped search, up to ${fmt(SERVER_MAX_RATE)} msgs/s`);
      found[target] = await steppedSearch({ ...searchOf("full"), target, maxRate: SERVER_MAX_RATE });
    }
    const all = [relayFull, ...XMPP_SERVERS.map((t) => found[t]!)];
    for (const search of all) rows.push(...serverRows(search, relayFull, cores));
    for (const search of all.slice(1)) machineRow(search);
    return { found, servers: Object.fromEntries(all.map((search) => [search.target, serverSummary(search)])) };
  };

  // the relay's full search again with several k6 instances (--segments), beside the one-instance search
  const segmentSearches = async (one: SearchResult) => {
    log("--segments 2: the relay's full-crypto stepped search with two k6 instances and one merged event log");
    const two = await steppedSearch({ ...searchOf("full"), maxRate: 16_000, segments: 2 });
    const n = wideSegments(cores, MAX_SEGMENTS);
    if (n !== null) log(`--segments ${n}: the same search with one k6 instance per core`);
    const wide = n === null ? null : { segments: n, search: await steppedSearch({ ...searchOf("full"), maxRate: 16_000, segments: n }) };
    const found: SegmentSearches = { one, two, wide };
    rows.push(...segmentsRows(found, cores));
    machineRow(two, "full, --segments 2");
    if (wide) machineRow(wide.search, `full, --segments ${wide.segments}`);
    return { segments: segmentsSummary(found), segmentSearches: { two, ...(wide ? { wide: wide.search } : {}) } };
  };

  if (args.only === "segments") {
    log("--only segments: the relay's full-crypto stepped search with one k6 instance, then with --segments 2");
    const relayFull = await steppedSearch({ ...searchOf("full"), maxRate: 16_000 });
    add("harness throughput against relay, full (delivered msgs/s)", throughputValue(relayFull), "baseline", relayFull.best ? "1.00x" : "-");
    machineRow(relayFull);
    finish(rows, benchDir, { only: args.only, ...(await segmentSearches(relayFull)), searches: { full: relayFull } });
    return;
  }

  if (args.only === "servers") {
    log("--only servers: the full-crypto stepped search against the relay, then each XMPP server");
    const relayFull = await steppedSearch({ ...searchOf("full"), maxRate: 16_000 });
    add("harness throughput against relay, full (delivered msgs/s)", throughputValue(relayFull), "baseline", relayFull.best ? "1.00x" : "-");
    machineRow(relayFull);
    const { found, servers } = await serverSearches(relayFull);
    finish(rows, benchDir, { only: args.only, servers, searches: { full: relayFull }, serverSearches: found });
    return;
  }

  log("relay ceiling: minimal Node ws client, durable acks (fsync), then acks without fsync");
  const ceiling = await measureRelayCeiling({ durability: "fsync", seconds: 8, log });
  const ceilingNoSync = await measureRelayCeiling({ durability: "none", seconds: 8, log });
  add("relay ceiling, durable acks (msgs/s)", fmt(ceiling.msgsPerS), "baseline", "1.00x");
  add("relay ceiling, acks without fsync (msgs/s)", fmt(ceilingNoSync.msgsPerS), `durable ${fmt(ceiling.msgsPerS)}`, ratio(ceilingNoSync.msgsPerS, ceiling.msgsPerS));

  const searches = {} as Record<CryptoMode, SearchResult>;
  for (const crypto of CRYPTO_MODES) {
    log(`sustained E2E throughput, crypto ${crypto}: stepped search (p99 < 250 ms, no saturation)`);
    searches[crypto] = await steppedSearch({ ...searchOf(crypto), maxRate: 16_000 });
  }
  for (const crypto of CRYPTO_MODES) {
    const best = searches[crypto].best;
    const target = crypto === "full" ? TARGETS.fullMsgsPerS : crypto === "session" ? TARGETS.sessionMsgsPerS : TARGETS.opaqueShareOfCeiling * ceiling.msgsPerS;
    add(`harness throughput, ${crypto} (delivered msgs/s)`, throughputValue(searches[crypto]), `relay ceiling ${fmt(ceiling.msgsPerS)}`, ratio(best?.deliveredPerS, ceiling.msgsPerS));
    add(`  against its target`, throughputValue(searches[crypto]), `target ${fmt(target)}`, ratio(best?.deliveredPerS, target));
  }
  // the lowest rate that missed: whether k6 ran out, or the machine it shares with the relay and Toxiproxy
  for (const crypto of CRYPTO_MODES) machineRow(searches[crypto]);
  const cpuOf = (crypto: CryptoMode): WindowFigures | undefined => searches[crypto].best ?? searches[crypto].steps[0];
  for (const crypto of CRYPTO_MODES) {
    const step = cpuOf(crypto);
    const target = crypto === "full" ? TARGETS.fullCpuUsPerMsg : crypto === "opaque" ? TARGETS.opaqueCpuUsPerMsg : null;
    add(`k6 CPU per delivered message, ${crypto} (us, at ${fmt(step?.load.rate)} msgs/s)`, fmt(step?.k6CpuUsPerMsg), target ? `target ${target}` : `full ${fmt(cpuOf("full")?.k6CpuUsPerMsg)}`, ratio(step?.k6CpuUsPerMsg, target ?? cpuOf("full")?.k6CpuUsPerMsg));
  }

  // the same full-crypto search against each XMPP server, with every server's CPU at its lowest missed rate
  const { found: serverSearchResults, servers } = await serverSearches(searches.full);
  // the relay's full search with --segments 2 (and <cores>) against the one above
  const segmentFigures = await segmentSearches(searches.full);

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

  finish(rows, benchDir, { servers, ...segmentFigures, ceiling, ceilingNoSync, storeForward, searches, serverSearches: serverSearchResults, baseline, crowd, relayMemory, artillery });
}

/** Prints the table and writes bench.json: the rows, then every figure and step behind them. */
function finish(rows: Row[], benchDir: string, figures: Record<string, unknown>): void {
  const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const widths = ["figure", "value", "against", "ratio"].map((k) => Math.max(k.length, ...rows.map((r) => r[k as keyof Row].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(`\nbench on ${machine}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  console.log(line(["figure", "value", "against", "ratio"]));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line([r.figure, r.value, r.against, r.ratio]));
  const out = join(benchDir, "bench.json");
  writeFileSync(out, JSON.stringify({ machine, seconds: Math.round((Date.now() - started) / 1000), rows, ...figures }, null, 2));
  console.log(`\nfigures and every step: ${out}`);
}

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof BenchArgsError)) throw e;
  console.error(e.message);
  process.exit(2);
}
main(args).then(() => process.exit(0), (e: Error) => {
  console.error(`bench failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
