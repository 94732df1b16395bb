// Every run folder in reports/ as one history row (newest first) with its headline figures; a
// run written before some figure existed gets null for it, never a guess.
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readSummary, readVerdictFile, recordedStatus, type Status, type SummaryInput } from "./report-input.ts";

export interface HistoryRow {
  runId: string;
  startedAt: string;
  /** seconds since the epoch (for the trend charts) */
  startedS: number;
  suite: string;
  status: string;
  /** verdict.json's status; unknown for a run that wrote none */
  verdict: Status;
  scenarios: number;
  sent: number | null;
  delivered: number | null;
  deliveredPercent: number | null;
  lostAfterAck: number | null;
  p95Ms: number | null;
  worstTtrS: number | null;
  notRecovered: number | null;
  k6PeakCpuCores: number | null;
  hasPage: boolean;
  /** each SLO objective's measured value (verdict.json), by "scenario: objective", and its limit ("... (limit)") */
  objectives: Record<string, number | null>;
}

export interface HistoryModel {
  generatedAt: string;
  rows: HistoryRow[];
  /** every objective any run judged, with the unit of its values */
  objectives: { key: string; unit: string }[];
}

export function historyModel(reportsDir: string): HistoryModel {
  const rows: HistoryRow[] = [];
  for (const name of existsSync(reportsDir) ? readdirSync(reportsDir) : []) {
    const dir = join(reportsDir, name);
    if (!lstatSync(dir).isDirectory()) continue;
    const summary = readSummary(dir);
    if (summary) rows.push(historyRow(name, dir, summary));
  }
  rows.sort((a, b) => b.startedS - a.startedS || b.runId.localeCompare(a.runId));
  const units = new Map<string, string>();
  for (const dir of readdirSync(reportsDir)) for (const [key, unit] of objectiveUnits(join(reportsDir, dir))) units.set(key, unit);
  return { generatedAt: new Date().toISOString(), rows, objectives: [...units].sort().map(([key, unit]) => ({ key, unit })) };
}

function historyRow(folder: string, dir: string, s: SummaryInput): HistoryRow {
  const scenarios = s.scenarios ?? [];
  const sum = (f: (m: Record<string, number>) => number | undefined) => {
    const values = scenarios.map((x) => (x.figures?.messages ? f(x.figures.messages) : undefined)).filter((v): v is number => typeof v === "number");
    return values.length ? values.reduce((a, b) => a + b, 0) : null;
  };
  const sent = sum((m) => m.sent);
  const delivered = sum((m) => m.delivered);
  const recoveries = scenarios.flatMap((x) => x.figures?.windows ?? []).map((w) => w.recovery?.recovery).filter((r) => r !== undefined);
  const ttrs = recoveries.flatMap((r) => (r.recovered === true && typeof r.ttrMs === "number" ? [r.ttrMs / 1000] : []));
  const started = Date.parse(s.startedAt ?? "");
  const verdictFile = readVerdictFile(dir);

  return {
    runId: s.runId ?? folder, startedAt: s.startedAt ?? "", startedS: Number.isFinite(started) ? started / 1000 : 0,
    suite: s.suite?.name ?? "", status: s.status ?? "unknown", verdict: recordedStatus(verdictFile),
    scenarios: scenarios.length, sent, delivered,
    deliveredPercent: sent ? Math.round(((delivered ?? 0) / sent) * 10000) / 100 : null,
    lostAfterAck: sum((m) => m.lostAfterAck),
    p95Ms: maxOf(scenarios.map((x) => x.figures?.deliveryLatencyMs?.p95)),
    worstTtrS: ttrs.length ? Math.round(Math.max(...ttrs) * 10) / 10 : null,
    notRecovered: recoveries.length ? recoveries.filter((r) => !r.recovered).length : null,
    k6PeakCpuCores: maxOf(scenarios.map((x) => x.generator?.peakCpuCores)),
    hasPage: existsSync(join(dir, "index.html")),
    objectives: Object.fromEntries(objectiveValues(verdictFile)),
  };
}

function maxOf(values: (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === "number");
  return known.length ? Math.max(...known) : null;
}

type Judgement = NonNullable<NonNullable<ReturnType<typeof readVerdictFile>>["judgements"]>[number];

const objectiveKey = (j: Judgement) => `${j.scenario ?? "*"}: ${j.name ?? "objective"}`;
const numericObjectives = (file: ReturnType<typeof readVerdictFile>) => (file?.judgements ?? []).filter((j) => j.source === "objective" && typeof j.details?.value === "number");

/** Objective values as charted: ratios in percent, everything else in its own unit. */
function objectiveValues(file: ReturnType<typeof readVerdictFile>): [string, number][] {
  const inUnit = (j: Judgement, v: number) => (j.details!.unit === "ratio" ? Math.round(v * 10000) / 100 : v);
  return numericObjectives(file).flatMap((j): [string, number][] => [
    [objectiveKey(j), inUnit(j, j.details!.value as number)],
    ...(typeof j.details!.limitValue === "number" ? [[`${objectiveKey(j)} (limit)`, inUnit(j, j.details!.limitValue)] as [string, number]] : []),
  ]);
}

function objectiveUnits(dir: string): [string, string][] {
  if (!lstatSync(dir).isDirectory()) return [];
  return numericObjectives(readVerdictFile(dir)).map((j) => [objectiveKey(j), j.details!.unit === "ratio" ? "%" : String(j.details!.unit ?? "")]);
}
