// What the report pages read from summary.json, typed loosely on purpose: runs written before a
// figure existed lack it, and the pages must still render them (every field optional).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServerUsageInput } from "../server-usage-text.ts";

export type Status = "pass" | "fail" | "unknown";

export interface SummaryFaultRecord { event?: "inject" | "heal"; entry?: number; kind?: string; target?: string; requestedAt?: number; appliedAt?: number; ok?: boolean }
export interface SummaryTimelineEntry { index?: number; atMs?: number; forMs?: number | null; kind?: string; target?: string }
export interface SummaryRecovery { recovered?: boolean; ttrMs?: number; recoveredAt?: number; reason?: string; p95LimitMs?: number; bestSuccessRate?: number | null; bestP95Ms?: number | null }
export interface SummaryWindow {
  entry?: number; kind?: string; target?: string; injectedAt?: number | null; healedAt?: number | null;
  recovery?: { referenceAt?: number; reference?: string; recovery?: SummaryRecovery; usersBack99Ms?: number | null; backlog?: { sent?: number; drainMs?: number | null } };
}
export interface SummaryTarget { name?: string; version?: string | null }
export interface SummaryScenario {
  name: string; scenario?: string; status?: string; error?: string; target?: SummaryTarget;
  load?: Record<string, unknown> & { seed?: number; users?: number; rate?: number; backlog?: number };
  startedAt?: number | null; endedAt?: number; k6ExitCode?: number | null; thresholdsPassed?: boolean;
  timeline?: SummaryTimelineEntry[]; faults?: SummaryFaultRecord[];
  figures?: {
    messages?: Record<string, number>;
    deliveryLatencyMs?: { count?: number; p50?: number | null; p95?: number | null; p99?: number | null; max?: number | null };
    baseline?: { successRate?: number | null; p95Ms?: number | null };
    windows?: SummaryWindow[];
  };
  relay?: { peaks?: Record<string, number | null>; startups?: { time?: string | number; startupMs?: number | null; queuedLoaded?: number | null }[]; backlog?: { messages?: number } | null };
  /** the server under test's own CPU and memory (runs before it: absent) */
  server?: { usage?: ServerUsageInput };
  generator?: {
    measured?: boolean; note?: string | null; saturated?: boolean; inMeasuredWindow?: boolean; machineCores?: number;
    spans?: { from?: number; to?: number; fromS?: number; toS?: number; reason?: string; inMeasuredWindow?: boolean }[];
    thresholds?: { maxLateMs?: number; maxCpuFraction?: number }; peakCpuCores?: number | null; peakLagMs?: number | null;
  };
  checks?: { name: string; status: Status; details?: Record<string, unknown> }[];
  files?: Record<string, string>;
}
export interface SummaryInput {
  schemaVersion?: number; runId?: string; status?: string; startedAt?: string; endedAt?: string; error?: string;
  suite?: { name?: string; source?: string; description?: string };
  command?: string[];
  environment?: { kind?: string; reason?: string; versions?: Record<string, string> };
  /** the server under test, when every scenario tests the same one (runs before targets: absent) */
  target?: SummaryTarget;
  scenarios?: SummaryScenario[];
  /** written by a verdict layer when there is one: shown as given */
  verdict?: { status?: string } & Record<string, unknown>;
}

export function readSummary(runDir: string): SummaryInput | null {
  return readRunJson<SummaryInput>(runDir, "summary.json");
}

/** A JSON file of a run folder, or null when it is missing or unreadable (an old or interrupted run). */
function readRunJson<T>(runDir: string, name: string): T | null {
  const file = join(runDir, name);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

/** reports/<run-id>/verdict.json, written by the verdict layer when the run had one. */
export interface VerdictFile {
  status?: string; gate?: string; slo?: string | null;
  judgements?: { source?: string; name?: string; scenario?: string; status?: string; measured?: unknown; limit?: unknown; details?: { value?: unknown; limitValue?: unknown; unit?: unknown } }[];
}

export function readVerdictFile(runDir: string): VerdictFile | null {
  return readRunJson<VerdictFile>(runDir, "verdict.json");
}

/** The run's verdict as the gate gave it (verdict.json); unknown when it wrote none: the pages never judge. */
export function recordedStatus(file: VerdictFile | null): Status {
  return file?.status === "pass" || file?.status === "fail" ? file.status : "unknown";
}
