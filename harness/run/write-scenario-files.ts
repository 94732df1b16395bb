// A scenario's recorded data on disk, in its folder of the run folder (reports/README.md lists
// each file); returns summary.json's `files`: each file relative to the run folder.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { K6Files } from "../load/run-k6.ts";
import { writeJsonLines } from "../record/json-lines.ts";
import type { MessageRecord } from "../record/message-records.ts";
import type { FaultRecord } from "../timeline/fault-timeline.ts";
import type { MessageChecks } from "../analysis/checkers/all-checkers.ts";
import type { DrivenLoad } from "./drive-load.ts";

export interface ScenarioData {
  driven: DrivenLoad;
  records: MessageRecord[];
  flagged: MessageChecks["flagged"];
  k6Files: K6Files;
}

export function writeScenarioFiles(runDir: string, name: string, { driven, records, flagged, k6Files }: ScenarioData): Record<string, string> {
  const dir = join(runDir, name);
  writeFileSync(join(dir, "checks.json"), JSON.stringify(flagged));
  writeJsonLines(join(dir, "faults.jsonl"), driven.faults);
  writeJsonLines(join(dir, "messages.jsonl"), records);
  writeJsonLines(join(dir, "events.jsonl"), mergeByTime(driven.events, driven.faults));
  writeJsonLines(join(dir, "relay-metrics.jsonl"), driven.relaySamples);
  writeJsonLines(join(dir, "generator.jsonl"), driven.k6Usage);
  writeJsonLines(join(dir, "server-usage.jsonl"), driven.serverUsage);
  const relative = (f: string) => join(name, f);
  return {
    events: relative("events.jsonl"), messages: relative("messages.jsonl"), faults: relative("faults.jsonl"), population: relative("population.json"),
    relayMetrics: relative("relay-metrics.jsonl"), checks: relative("checks.json"), generator: relative("generator.jsonl"), serverUsage: relative("server-usage.jsonl"), captures: relative("captures"),
    ...(k6Files.metrics ? { k6Metrics: relative("k6-metrics.jsonl") } : {}), k6Console: relative("k6-console.jsonl"), k6Summary: relative("k6-summary.json"), k6Log: relative("k6.log"),
  };
}

/** Client records and fault records in one log, ordered by time (faults by the time they took effect). */
function mergeByTime(events: ClientEvent[], faults: FaultRecord[]): object[] {
  const all: { t: number; record: object }[] = [
    ...events.map((e) => ({ t: e.t, record: e })),
    ...faults.map((f) => ({ t: f.appliedAt, record: { ev: `fault_${f.event}`, ...f, t: f.appliedAt } })),
  ];
  return all.sort((a, b) => a.t - b.t).map((x) => x.record);
}
