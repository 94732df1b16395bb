// The collector's program (`npm run chaos -- collect` in the collector Job). The operator starts
// the runners paused and unpauses them together; the collector is not part of that protocol, so
// it starts the fault timeline at the first start record any runner writes (as a local run does at
// k6's first start record), drives it until the TestRun is finished, heals everything, and leaves
// in the records claim what `analyse` reads (analyse/gathered-folder.ts): runners/<pod>/k6-console.jsonl,
// faults.jsonl, plan.json, population.json (from the archive the runners run), its own clock offset
// to the relay (collector-clock.json), and the relay's message journal (relay-journal.jsonl) when it answers.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseClientEvents } from "../../../record/client-event-tail.ts";
import { FaultTimeline, type FaultRecord } from "../../../timeline/fault-timeline.ts";
import { PLAN_FILE, POPULATION_FILE } from "../collector-manifests.ts";
import type { ExportedPlan } from "../export-k8s.ts";
import { CONSOLE_FILE, RUNNERS_DIR } from "../testrun.ts";
import { pathUrls } from "../toxiproxy-manifests.ts";
import { copyArchivedPopulation } from "./archive-population.ts";
import { clusterEnvironment } from "./cluster-environment.ts";
import { COLLECTOR_CLOCK_FILE, probeCollectorClock } from "./collector-clock.ts";
import { InClusterApi } from "./in-cluster-api.ts";

const POLL_MS = 250;
/** how long runners may take from the TestRun's creation to their first start record */
const START_TIMEOUT_MS = 15 * 60_000;
/** how long the relay may take to answer the collector's clock probes */
const CLOCK_TIMEOUT_MS = 120_000;
export const FAULTS_FILE = "faults.jsonl";
export const JOURNAL_FILE = "relay-journal.jsonl";

/** The earliest start record of any runner in the records folder, or null. */
export function firstStart(recordsDir: string): number | null {
  const runners = join(recordsDir, RUNNERS_DIR);
  if (!existsSync(runners)) return null;
  let first: number | null = null;
  for (const pod of readdirSync(runners)) {
    const file = join(runners, pod, CONSOLE_FILE);
    if (!existsSync(file)) continue;
    const start = readFileSync(file, "utf8").split("\n").flatMap(parseClientEvents).find((e) => e.ev === "start");
    if (start) first = first === null ? start.t : Math.min(first, start.t);
  }
  return first;
}

/** `archive`: the k6 archive the runners run (the collector mounts its ConfigMap or claim). */
export async function collect(plan: ExportedPlan, recordsDir: string, archive: string, log: (line: string) => void): Promise<void> {
  writeFileSync(join(recordsDir, PLAN_FILE), `${JSON.stringify(plan, null, 2)}\n`);
  log(`${POPULATION_FILE} copied from ${await copyArchivedPopulation(archive, join(recordsDir, POPULATION_FILE))} of ${archive}`);
  const api = new InClusterApi();
  const env = await clusterEnvironment(plan, api);
  // measured before the runners start, on the path the runners measure on, so the probes see no load
  const clock = await probeCollectorClock(pathUrls(plan.test)[0]!.url, CLOCK_TIMEOUT_MS);
  writeFileSync(join(recordsDir, COLLECTOR_CLOCK_FILE), `${JSON.stringify(clock, null, 2)}\n`);
  log(clock.measured ? `collector clock: relay minus collector ${clock.measured.offsetMs} ms +- ${clock.measured.boundMs} ms (${clock.measured.samples} probes)` : `collector clock not measured: ${clock.why}`);
  log(`created ${plan.toxiproxyPaths.length} paths in Toxiproxy: the TestRun may be applied now`);
  const faults: FaultRecord[] = [];
  const timeline = new FaultTimeline(plan.plan.timeline, env, (record) => {
    faults.push(record);
    log(`${record.event} timeline[${record.entry}] ${record.kind}@${record.target}: ${record.ok ? "ok" : record.error}`);
  });
  const waitUntil = Date.now() + START_TIMEOUT_MS;
  let t0: number | null = null;
  while ((t0 = firstStart(recordsDir)) === null) {
    if (Date.now() > waitUntil) throw new Error(`no runner wrote a start record to ${recordsDir}/${RUNNERS_DIR}/*/${CONSOLE_FILE} within ${START_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
  log(`first start record at ${new Date(t0).toISOString()}: fault timeline of ${plan.plan.timeline.length} entries started`);
  timeline.start(t0);
  const totalMs = (plan.load.warmupS + plan.load.durationS + plan.load.drainS) * 1000;
  try {
    for (;;) {
      const stage = await api.testRunStage(plan.test).catch((e: Error) => `unreadable (${e.message})`);
      if (stage === "finished" || stage === "error") break;
      if (Date.now() > t0 + totalMs + 10 * 60_000) throw new Error(`TestRun ${plan.test} still '${stage}' 10 minutes after its planned end`);
      await sleep(1000);
    }
  } finally {
    await timeline.healAll();
    await env.network.reset().catch((e: Error) => log(`resetting Toxiproxy failed: ${e.message}`));
    writeFileSync(join(recordsDir, FAULTS_FILE), faults.map((f) => JSON.stringify(f)).join("\n") + (faults.length ? "\n" : ""));
  }
  // what the relay says of each message the checkers flag (a local run reads the same GET /journal)
  await env.relay.journal().then(
    (text) => writeFileSync(join(recordsDir, JOURNAL_FILE), text),
    (e: Error) => log(`the relay's journal was not read (${e.message}): analyse reports what the relay says as unknown`),
  );
  log(`gathered in ${recordsDir}: ${RUNNERS_DIR}/*/${CONSOLE_FILE}, ${FAULTS_FILE}, ${JOURNAL_FILE}, ${COLLECTOR_CLOCK_FILE}, ${PLAN_FILE}, ${POPULATION_FILE}: copy it out, then npm run chaos -- analyse DIR`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
