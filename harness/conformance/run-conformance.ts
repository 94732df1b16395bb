// Runs every conformance check against a started environment's relay and writes conformance.json.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Environment } from "../environments/environment.ts";
import { runCheck, type CheckContext, type CheckResult, type ConformanceCheck } from "./check.ts";
import { CONFORMANCE_CHECKS } from "./checks.ts";

export interface ConformanceReport {
  schemaVersion: 1;
  startedAt: string;
  endedAt: string;
  environment: string;
  relay: string;
  passed: boolean;
  counts: { pass: number; fail: number; notAvailable: number };
  checks: CheckResult[];
}

export function checkContext(env: Environment): CheckContext {
  // one direct path per listener for the WebSocket checks; every path for /healthz
  const direct = env.paths.filter((p) => p.kind === "direct");
  const wsUrls = (direct.length > 0 ? direct : env.paths).map((p) => p.url);
  const httpUrls = env.paths.map((p) => p.url.replace(/^ws/, "http").replace(/\/ws$/, ""));
  return { wsUrls, httpUrls, env };
}

export async function runConformance(env: Environment, checks: readonly ConformanceCheck[] = CONFORMANCE_CHECKS, onResult: (r: CheckResult) => void = () => {}): Promise<ConformanceReport> {
  const startedAt = new Date().toISOString();
  const ctx = checkContext(env);
  const results: CheckResult[] = [];
  for (const check of checks) {
    const result = await runCheck(check, ctx);
    results.push(result);
    onResult(result);
  }
  const counts = { pass: results.filter((r) => r.status === "PASS").length, fail: results.filter((r) => r.status === "FAIL").length, notAvailable: results.filter((r) => r.status === "N/A").length };
  return { schemaVersion: 1, startedAt, endedAt: new Date().toISOString(), environment: env.kind, relay: env.versions.relay ?? "reference relay", passed: counts.fail === 0, counts, checks: results };
}

export function writeConformanceReport(dir: string, report: ConformanceReport): string {
  const file = join(dir, "conformance.json");
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
