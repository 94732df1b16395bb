// What the verdict reads of a scenario's result: a structural subset of run/run-scenario.ts's
// ScenarioResult, declared here so the verdict layer does not import the layers above it.
import type { CheckResult } from "../checks/check-result.ts";

export interface JudgedPercentiles { count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null }

export interface JudgedWindowFigures { sent: number; delivered: number; latencyMs: JudgedPercentiles }

export interface JudgedFaultWindow {
  entry: number;
  kind: string;
  target: string;
  before: JudgedWindowFigures;
  during: JudgedWindowFigures | null;
  after: JudgedWindowFigures | null;
  recovery: {
    recovery: { recovered: true; ttrMs: number } | { recovered: false; reason: string };
    usersBack99Ms: number | null;
    backlog: { undelivered: number; drainMs: number | null };
    messages: { lostAfterAck: number; duplicates: number; neverAcked: number };
  };
  failover: { affectedUsers: number; failoverMs: JudgedPercentiles; stranded: number } | null;
}

export interface JudgedScenario {
  name: string;
  scenario: string;
  status: "completed" | "interrupted" | "failed";
  error?: string;
  /** the server under test (absent in runs written before targets existed) */
  target?: { name: string; version: string | null };
  k6ExitCode: number | null;
  figures: {
    messages: { sent: number; acked: number; delivered: number; lostAfterAck: number; neverAcked: number; duplicates: number; decryptFailures: number; rejected: number };
    deliveryLatencyMs: JudgedPercentiles;
    windows: JudgedFaultWindow[];
    phases: { name: string; byTag: Record<string, { sent: number; delivered: number; lostAfterAck: number; latencyMs: JudgedPercentiles }> }[];
  };
  /** the server under test's own CPU and memory (absent in runs written before it was measured; null figures: not measured) */
  server?: { usage: { samples: number; cpuCoresPeak: number | null; cpuCoresMean: number | null; rssMbPeak: number | null; note: string | null } };
  generator: { measured: boolean; note: string | null; inMeasuredWindow: boolean; spans: { inMeasuredWindow: boolean; reason: string; fromS: number; toS: number }[] };
  checks: CheckResult[];
}
