// One conformance check: a name, what it proves, and a function that talks to the server under
// test and returns what it measured against what the protocol documents (the relay's
// PROTOCOL.md, or the XMPP specifications the scenarios rely on, harness/conformance/xmpp/). A
// check that throws (or runs out of time) is FAIL with the error's message; "n/a" is for optional
// features that are absent. A check is typed by the context it runs with: the relay's below, or
// XmppCheckContext.
import type { Environment } from "../environments/environment.ts";

export type CheckStatus = "PASS" | "FAIL" | "N/A";

export interface CheckContext {
  /** the relay's WebSocket URLs, one per network path (every listener reached at least once) */
  wsUrls: string[];
  /** the base http(s) URL of each network path (no path component) */
  httpUrls: string[];
  env: Environment;
}

export interface CheckOutcome {
  status: CheckStatus;
  measured: string;
  expected: string;
}

export interface ConformanceCheck<C = CheckContext> {
  name: string;
  /** the documented behaviour, as PROTOCOL.md (or the XMPP specification) states it */
  expected: string;
  /** the check's own deadline (default CHECK_TIMEOUT_MS); the waits inside it are shorter and say what they awaited */
  timeoutMs?: number;
  run(ctx: C): Promise<{ ok: boolean; measured: string; notAvailable?: boolean }>;
}

export const CHECK_TIMEOUT_MS = 5000;

export interface CheckResult extends CheckOutcome {
  name: string;
  durationMs: number;
}

export async function runCheck<C>(check: ConformanceCheck<C>, ctx: C, timeoutMs = check.timeoutMs ?? CHECK_TIMEOUT_MS): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let outcome: CheckOutcome;
  try {
    const result = await Promise.race([
      check.run(ctx),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs))),
    ]);
    outcome = { status: result.notAvailable ? "N/A" : result.ok ? "PASS" : "FAIL", measured: result.measured, expected: check.expected };
  } catch (error) {
    outcome = { status: "FAIL", measured: `error: ${error instanceof Error ? error.message : String(error)}`, expected: check.expected };
  } finally {
    clearTimeout(timer);
  }
  return { name: check.name, ...outcome, durationMs: Math.round(performance.now() - started) };
}

/** A plain-text table: check, status, measured (clipped to `measuredWidth` characters), expected. */
export function formatTable(results: CheckResult[], measuredWidth = 70): string {
  const clip = (text: string) => (text.length > measuredWidth ? `${text.slice(0, measuredWidth - 3)}...` : text);
  const rows = [["check", "result", "measured", "expected"], ...results.map((r) => [r.name, r.status, clip(r.measured), r.expected])];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const width = Math.min(measuredWidth, Math.max(...rows.map((r) => r[2].length)));
  const line = (r: string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(width)}  ${r[3]}`.trimEnd();
  return [line(rows[0]), line(rows[0].map((c, i) => "-".repeat(i === 2 ? width : i === 3 ? 8 : Math.max(c.length, widths[i] ?? 0)))), ...rows.slice(1).map(line)].join("\n");
}
