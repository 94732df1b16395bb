// Runs a list of conformance checks against the server under test and writes conformance.json:
// the relay's checks against an environment's relay (runConformance), the XMPP checks against an
// XMPP server (xmpp/run-xmpp-conformance.ts), both through runCheckList.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Environment } from "../environments/environment.ts";
import { runCheck, type CheckContext, type CheckResult, type ConformanceCheck } from "./check.ts";
import { CONFORMANCE_CHECKS } from "./checks.ts";

/** The server the checks ran against. */
export interface ConformanceTarget {
  /** relay, prosody, ejabberd, or "xmpp" for a server given by --xmpp-url */
  name: string;
  /** its version as the environment knows it; null where the harness did not start it */
  version: string | null;
  protocol: "relay" | "xmpp";
  /** where it was reached (--xmpp-url), and its XMPP domain */
  url?: string;
  domain?: string;
}

export interface ConformanceReport {
  schemaVersion: 1;
  startedAt: string;
  endedAt: string;
  /** the environment that started the server ("local", "containers"), or "none" for --xmpp-url */
  environment: string;
  target: ConformanceTarget;
  /** target relay: which relay (the reference relay, or --relay-command / --relay-image) */
  relay?: string;
  passed: boolean;
  counts: { pass: number; fail: number; notAvailable: number };
  checks: CheckResult[];
}

/** What a report says besides the results. */
export type ReportHeader = Pick<ConformanceReport, "environment" | "target" | "relay">;

export function checkContext(env: Environment): CheckContext {
  // one direct path per listener for the WebSocket checks; every path for /healthz
  const direct = env.paths.filter((p) => p.kind === "direct");
  const wsUrls = (direct.length > 0 ? direct : env.paths).map((p) => p.url);
  const httpUrls = env.paths.map((p) => p.url.replace(/^ws/, "http").replace(/\/ws$/, ""));
  return { wsUrls, httpUrls, env };
}

/** Runs `checks` one after another with `ctx` and reports them under `header`. */
export async function runCheckList<C>(header: ReportHeader, checks: readonly ConformanceCheck<C>[], ctx: C, onResult: (r: CheckResult) => void = () => {}): Promise<ConformanceReport> {
  const startedAt = new Date().toISOString();
  const results: CheckResult[] = [];
  for (const check of checks) {
    const result = await runCheck(check, ctx);
    results.push(result);
    onResult(result);
  }
  const counts = { pass: results.filter((r) => r.status === "PASS").length, fail: results.filter((r) => r.status === "FAIL").length, notAvailable: results.filter((r) => r.status === "N/A").length };
  return { schemaVersion: 1, startedAt, endedAt: new Date().toISOString(), ...header, passed: counts.fail === 0, counts, checks: results };
}

/** The relay's checks against a started environment's relay. */
export function runConformance(env: Environment, checks: readonly ConformanceCheck[] = CONFORMANCE_CHECKS, onResult: (r: CheckResult) => void = () => {}): Promise<ConformanceReport> {
  const relay = env.versions.relay ?? "reference relay";
  const header: ReportHeader = { environment: env.kind, target: { name: env.target.name, version: env.target.version, protocol: "relay" }, relay };
  return runCheckList(header, checks, checkContext(env), onResult);
}

export function writeConformanceReport(dir: string, report: ConformanceReport): string {
  const file = join(dir, "conformance.json");
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
