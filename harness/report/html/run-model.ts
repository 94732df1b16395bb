// Everything a run's page shows, computed on the Node side from the run folder: verdict, metadata,
// per-second series, fault windows, recovery marks, saturated spans, findings, restart figures.
// This object is embedded in the page as JSON; its size grows with seconds, not with messages.
import { join } from "node:path";
import { CHART_SPECS, type ChartSpec } from "./chart-specs.ts";
import { checkerFindings, type Findings } from "./findings.ts";
import { readVerdictFile, recordedStatus, type Status, type SummaryInput, type SummaryScenario, type SummaryTarget } from "./report-input.ts";
import { scenarioSeries, type Series } from "./scenario-series.ts";
import { serverUsageText } from "../server-usage-text.ts";
import { rerunCommand } from "./shell-command.ts";
import { judgementStatusText } from "../verdict/judgement-status-text.ts";
import { restartPoints, type RestartPoint } from "./restart-points.ts";
import { surgeModel, type SurgeModel } from "./surge-model.ts";

export interface Band { fromS: number; toS: number; label: string; entry?: number }
export interface Marker { atS: number; kind: "heal" | "kill" | "recovered" | "not-recovered" | "knee"; label: string }

export interface ScenarioModel {
  name: string;
  scenario: string;
  status: string;
  /** "prosody 0.12.3-1+deb12u1"; null: not recorded (a run before targets existed) */
  target: string | null;
  /** the server under test's own CPU and memory in a line ("not measured (why)"); null: a run before it was measured */
  serverUsage: string | null;
  load: Record<string, unknown>;
  seed: number | null;
  startedAt: number;
  seconds: number;
  series: Series;
  charts: ChartSpec[];
  faults: Band[];
  saturated: Band[];
  markers: Marker[];
  /** null: the run predates the message checkers (no finding was recorded per message) */
  findings: Findings | null;
  /** scenario surge only (surge-model.ts) */
  surge: SurgeModel | null;
}

export interface RunModel {
  runId: string;
  /** verdict.json's status; unknown when the run wrote none */
  overall: Status;
  /** verdict.json's judgements, each as the gate gave it (a passing checker that flagged messages reads "reported (n)"); null when the run wrote no verdict.json */
  judgements: { source: string; scenario: string; name: string; status: string; measured: string; limit: string }[] | null;
  gate: string | null;
  meta: { status: string; startedAt: string; endedAt: string; suite: string; target: string | null; suiteSource: string; description: string; environment: string; versions: Record<string, string>; command: string; seeds: string; error: string | null };
  scenarios: ScenarioModel[];
  restart: RestartPoint[];
}

export async function runModel(runDir: string, summary: SummaryInput): Promise<RunModel> {
  const scenarios: ScenarioModel[] = [];
  for (const s of summary.scenarios ?? []) scenarios.push(await scenarioModel(runDir, s));
  const file = readVerdictFile(runDir);
  const text = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const seeds = [...new Set((summary.scenarios ?? []).map((s) => s.load?.seed).filter((v) => v !== undefined))];
  return {
    runId: summary.runId ?? "unknown run",
    overall: recordedStatus(file),
    judgements: file?.judgements?.map((j) => ({ source: text(j.source), scenario: text(j.scenario), name: text(j.name), status: judgementStatusText(j), measured: text(j.measured), limit: text(j.limit) })) ?? null,
    gate: file?.gate ?? null,
    meta: {
      status: summary.status ?? "unknown", startedAt: summary.startedAt ?? "", endedAt: summary.endedAt ?? "",
      suite: summary.suite?.name ?? "", target: runTargetText(summary), suiteSource: summary.suite?.source ?? "", description: summary.suite?.description ?? "",
      environment: `${summary.environment?.kind ?? "unknown"}${summary.environment?.reason ? ` (${summary.environment.reason})` : ""}`,
      versions: summary.environment?.versions ?? {}, command: rerunCommand(summary.command), seeds: seeds.join(", ") || "not recorded", error: summary.error ?? null,
    },
    scenarios,
    restart: restartPoints(summary.scenarios ?? []),
  };
}

async function scenarioModel(runDir: string, s: SummaryScenario): Promise<ScenarioModel> {
  const dir = join(runDir, s.name);
  const { origin, seconds, series } = await scenarioSeries(dir, s.startedAt ?? null, s.endedAt ?? null);
  const toS = (t: number) => Math.round((t - origin) / 100) / 10;
  const faults = faultBands(s, toS, seconds);
  const markers: Marker[] = [];
  for (const w of s.figures?.windows ?? []) {
    const rec = w.recovery;
    if (!rec || typeof rec.referenceAt !== "number") continue;
    const kill = rec.reference !== undefined && rec.reference !== "heal"; // "kill" (older runs) or "inject": a crash counts from the kill
    markers.push({ atS: toS(rec.referenceAt), kind: kill ? "kill" : "heal", label: `#${w.entry} ${kill ? "killed" : "healed"}` });
    const r = rec.recovery;
    if (r?.recovered && typeof r.recoveredAt === "number") markers.push({ atS: toS(r.recoveredAt), kind: "recovered", label: `#${w.entry} recovered in ${((r.ttrMs ?? 0) / 1000).toFixed(1)} s` });
    else if (r && !r.recovered) markers.push({ atS: toS(rec.referenceAt), kind: "not-recovered", label: `#${w.entry} not recovered (reason in the verdict table)` });
  }
  const saturated = (s.generator?.spans ?? []).map((span) => ({
    fromS: typeof span.fromS === "number" ? span.fromS : toS(span.from ?? origin),
    toS: typeof span.toS === "number" ? span.toS : toS(span.to ?? origin),
    label: `k6 saturated: ${span.reason ?? ""}`,
  }));
  return {
    name: s.name, scenario: s.scenario ?? s.name, status: s.status ?? "unknown", target: targetText(s.target), serverUsage: s.server?.usage ? serverUsageText(s.server.usage) : null, load: s.load ?? {}, seed: typeof s.load?.seed === "number" ? s.load.seed : null,
    startedAt: origin, seconds, series, charts: CHART_SPECS, faults, saturated, markers,
    findings: await checkerFindings(s.checks ?? [], s.files?.checks ?? `${s.name}/checks.json`, dir, origin),
    surge: surgeModel(s),
  };
}

/** One band per timeline entry: applied inject to applied heal, or the planned times when not recorded. */
function faultBands(s: SummaryScenario, toS: (t: number) => number, seconds: number): Band[] {
  const bands: Band[] = [];
  for (const entry of s.timeline ?? []) {
    const inject = (s.faults ?? []).find((f) => f.event === "inject" && f.entry === entry.index);
    const heal = (s.faults ?? []).find((f) => f.event === "heal" && f.entry === entry.index);
    const fromS = inject?.appliedAt ? toS(inject.appliedAt) : (entry.atMs ?? 0) / 1000;
    const toSec = heal?.appliedAt ? toS(heal.appliedAt) : entry.forMs ? fromS + entry.forMs / 1000 : seconds;
    bands.push({ entry: entry.index, fromS, toS: Math.max(toSec, fromS + 0.2), label: `#${entry.index} ${entry.kind} ${entry.target}${inject ? "" : " (not injected)"}` });
  }
  return bands;
}

function targetText(target: SummaryTarget | undefined): string | null {
  return target?.name ? `${target.name} ${target.version ?? "(not started)"}` : null;
}

/** The run's target, or each scenario's where they differ; null for runs before targets existed. */
function runTargetText(summary: SummaryInput): string | null {
  const one = targetText(summary.target);
  if (one) return one;
  const each = [...new Set((summary.scenarios ?? []).map((s) => targetText(s.target)).filter((t): t is string => t !== null))];
  return each.length ? each.join("; ") : null;
}
