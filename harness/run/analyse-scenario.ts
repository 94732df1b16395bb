// The recorded data of one scenario turned into what summary.json reports: the message records,
// the headline figures, the saturation guard and the message checkers (every flagged id kept).
import { availableParallelism } from "node:os";
import type { Population } from "../../scenarios/lib/population.ts";
import { runMessageCheckers, type MessageChecks } from "../analysis/checkers/all-checkers.ts";
import { faultWindows } from "../analysis/fault-windows.ts";
import { generatorSaturation, lagRecords, type GeneratorSaturation } from "../analysis/generator-saturation.ts";
import { scenarioFigures, type ScenarioFigures } from "../analysis/scenario-figures.ts";
import { relayPrekeyLog, relayPrekeyLogUnread } from "../analysis/surge/relay-prekey-log.ts";
import type { DroppedIteration } from "../analysis/surge/dropped-arrivals.ts";
import { surgeFigures } from "../analysis/surge/surge-figures.ts";
import type { StoredFile } from "../environments/environment.ts";
import { leftForGood } from "../record/left-for-good.ts";
import { sessionsUpAt } from "../record/message-predicates.ts";
import { buildMessageRecords, type MessageRecord } from "../record/message-records.ts";
import { relaySays, type RelayRecord } from "../record/relay-journal.ts";
import type { LoadShape, ScenarioPlan } from "../suites/scenario-plan.ts";
import type { DrivenLoad } from "./drive-load.ts";

export interface ScenarioAnalysis {
  records: MessageRecord[];
  figures: ScenarioFigures;
  generator: GeneratorSaturation;
  messageChecks: MessageChecks;
}

export interface AnalysisInput {
  plan: ScenarioPlan;
  load: LoadShape;
  driven: DrivenLoad;
  population: Population;
  /** the server's message journal, for what it says of each flagged message */
  journal: RelayRecord;
  /** where the checkers' full id lists are written, relative to the run folder */
  idsFile: string;
  /** the server's files at rest (surge: the relay's log of handed-out prekeys) */
  serverFiles: () => AsyncIterable<StoredFile>;
  /** k6's own dropped_iterations points (surge: its sign-ups never started); absent or null: not kept */
  droppedIterations?: DroppedIteration[] | null;
}

export async function analyseScenario({ plan, load, driven, population, journal, idsFile, serverFiles, droppedIterations }: AnalysisInput): Promise<ScenarioAnalysis> {
  const { events, faults } = driven;
  const records = buildMessageRecords(events);
  const started = driven.startedAt ?? Date.now();
  const sendingWindow = { from: started + load.warmupS * 1000, to: started + (load.warmupS + load.durationS) * 1000 };
  const left = leftForGood(events);
  const figures = scenarioFigures({ records, events, faults, timeline: plan.timeline, sendingWindow, users: load.users, band: plan.recovery, leftForGood: left });
  const generator = generatorSaturation({
    lag: lagRecords(events), cpu: driven.k6Usage, machineCores: availableParallelism(), origin: driven.startedAt,
    measuredWindow: { from: sendingWindow.from, to: sendingWindow.to + load.drainS * 1000 }, delivered: figures.messages.delivered,
  });
  if (plan.scenario === "surge") {
    const relayLog = await relayPrekeyLog(serverFiles(), new Set(population.members.map((m) => m.userId))).catch(relayPrekeyLogUnread);
    figures.surge = surgeFigures({ events, records, settings: load, rampFrom: sendingWindow.from, saturation: generator.spans, relayPrekeyLog: relayLog, droppedIterations: droppedIterations ?? null, leftForGood: left, lateMs: plan.recovery.lateMs });
  }
  const messageChecks = await runMessageCheckers({
    records, windows: faultWindows(faults, plan.recovery.settleMs, sendingWindow.to), lateMs: plan.recovery.lateMs,
    setupEnd: Math.max(sendingWindow.from, sessionsUpAt(records) ?? 0), cryptoMode: load.cryptoMode, atMostOnce: plan.delivery === "at-most-once",
    relaySays: (r) => relaySays(journal, population.members[r.from]?.userId ?? "", r.id), relayRecordMissing: journal.available ? null : journal.why,
    generatorSaturated: generator.spans, leftForGood: left,
  }, idsFile);
  return { records, figures, generator, messageChecks };
}
