// The gathered folder: what the collector leaves on the records claim and `kubectl cp` brings back,
// the contract between `collect` and `analyse` (reports/README.md lists it):
//   plan.json                       the exported plan (ExportedPlan), written by the collector
//   faults.jsonl                    every inject and heal the collector made
//   runners/<pod>/k6-console.jsonl  each runner's records (pod <test>-<i>-<suffix>, i from 1)
//   runners/<pod>/k6-summary.json   each runner's end-of-test summary (its thresholds); optional
//   relay-journal.jsonl             the relay's message journal, read by the collector at the end; optional
//   population.json                 the simulated users, copied by the collector from the k6 archive
//   collector-clock.json            the relay's clock minus the collector's (CollectorClock); optional
// Read and validated here before anything is written: a missing file is an InputError naming it.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ClientEvent } from "../../../../scenarios/lib/client-events.ts";
import type { Population } from "../../../../scenarios/lib/population.ts";
import { InputError } from "../../../errors.ts";
import { parseClientEvents } from "../../../record/client-event-tail.ts";
import { parseRelayJournal, type RelayRecord } from "../../../record/relay-journal.ts";
import type { FaultRecord } from "../../../timeline/fault-timeline.ts";
import { FAULTS_FILE, JOURNAL_FILE } from "../collect/collect.ts";
import { COLLECTOR_CLOCK_FILE, type CollectorClock } from "../collect/collector-clock.ts";
import { PLAN_FILE, POPULATION_FILE } from "../collector-manifests.ts";
import type { ExportedPlan } from "../export-k8s.ts";
import { CONSOLE_FILE, RUNNERS_DIR, SUMMARY_FILE } from "../testrun.ts";

/** One runner's records, in the order of its execution segment. */
export interface GatheredRunner {
  /** 0-based: segment i/N:(i+1)/N (the operator's instance_id is index + 1) */
  index: number;
  folder: string;
  console: string;
  /** null: the runner wrote no end-of-test summary */
  summary: string | null;
  events: ClientEvent[];
}

export interface GatheredFolder {
  dir: string;
  plan: ExportedPlan;
  populationFile: string;
  population: Population;
  /** on the collector's clock */
  faults: FaultRecord[];
  collectorClock: CollectorClock;
  runners: GatheredRunner[];
  journal: RelayRecord;
}

export function readGatheredFolder(given: string): GatheredFolder {
  const dir = resolve(given);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`analyse: ${dir}: no such folder (the gathered records: kubectl cp <collector-pod>:/records DIR)`);
  const plan = readJson<ExportedPlan>(join(dir, PLAN_FILE), "the collector writes it");
  for (const field of ["test", "plan", "load", "parallelism"] as const) {
    if (plan[field] === undefined) throw new InputError(`analyse: ${join(dir, PLAN_FILE)}: field '${field}' is missing (not a plan written by export k8s)`);
  }
  const populationFile = join(dir, POPULATION_FILE);
  const population = readJson<Population>(populationFile, "the collector copies it from the k6 archive");
  const faults = readJsonLines<FaultRecord>(join(dir, FAULTS_FILE), "the collector writes it when the TestRun is finished");
  const journalFile = join(dir, JOURNAL_FILE);
  const journal: RelayRecord = existsSync(journalFile) ? parseRelayJournal(readFileSync(journalFile, "utf8")) : { available: false, why: `${JOURNAL_FILE} is not in the gathered folder` };
  const clockFile = join(dir, COLLECTOR_CLOCK_FILE);
  const collectorClock = existsSync(clockFile) ? readJson<CollectorClock>(clockFile, "the collector writes it") : { url: "", measured: null, why: `${COLLECTOR_CLOCK_FILE} is not in the gathered folder` };
  return { dir, plan, populationFile, population, faults, collectorClock, runners: readRunners(dir, plan), journal };
}

function readRunners(dir: string, plan: ExportedPlan): GatheredRunner[] {
  const root = join(dir, RUNNERS_DIR);
  const pods = existsSync(root) ? readdirSync(root).filter((p) => statSync(join(root, p)).isDirectory()) : [];
  if (pods.length !== plan.parallelism) {
    throw new InputError(`analyse: ${root}: ${pods.length} runner folder(s) [${pods.join(", ")}]; the plan has parallelism ${plan.parallelism}: one folder per runner pod (${plan.test}-<i>-<suffix>, i = 1..${plan.parallelism}) is required`);
  }
  const pattern = new RegExp(`^${plan.test}-(\\d+)-[a-z0-9]+$`);
  const runners = pods.map((pod): GatheredRunner => {
    const instanceId = Number(pattern.exec(pod)?.[1]);
    if (!(instanceId >= 1 && instanceId <= plan.parallelism)) {
      throw new InputError(`analyse: ${join(root, pod)}: not a runner pod's folder; allowed: ${plan.test}-<i>-<suffix> with i = 1..${plan.parallelism} (the operator's instance_id)`);
    }
    const folder = join(root, pod);
    const console = join(folder, CONSOLE_FILE);
    const events = readFileText(console, "the runner writes it (--console-output)").split("\n").flatMap(parseClientEvents);
    const summary = join(folder, SUMMARY_FILE);
    return { index: instanceId - 1, folder, console, summary: existsSync(summary) ? summary : null, events };
  }).sort((a, b) => a.index - b.index);
  runners.forEach((r, i) => {
    if (r.index !== i) throw new InputError(`analyse: ${root}: runner ${i + 1} is missing or appears twice (folders: ${pods.join(", ")})`);
  });
  return runners;
}

function readFileText(file: string, where: string): string {
  if (!existsSync(file)) throw new InputError(`analyse: ${file}: missing (${where})`);
  return readFileSync(file, "utf8");
}

function readJson<T>(file: string, where: string): T {
  const text = readFileText(file, where);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new InputError(`analyse: ${file}: not valid JSON (${(e as Error).message})`);
  }
}

function readJsonLines<T>(file: string, where: string): T[] {
  return readFileText(file, where).split("\n").flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as T];
    } catch (e) {
      throw new InputError(`analyse: ${file}: line ${i + 1} is not valid JSON (${(e as Error).message})`);
    }
  });
}
