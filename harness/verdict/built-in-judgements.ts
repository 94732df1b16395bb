// What every run is judged on, SLO file or not: the scenario ran, k6's thresholds (k6 exits 99 when
// one failed), every checker in the result (privacy, message checkers), the saturation guard, and
// the one loss that must never happen: a message acknowledged by the relay and never delivered.
import type { Judgement } from "./judgement.ts";
import type { JudgedScenario } from "./judged-scenario.ts";

const K6_THRESHOLDS_FAILED = 99;

export function runJudgement(s: JudgedScenario): Judgement {
  const status = s.status === "failed" ? "fail" : s.status === "interrupted" ? "unknown" : "pass";
  return { source: "run", name: "scenario ran to the end", scenario: s.name, status, measured: s.status, limit: "completed", details: s.error ? { error: s.error } : {} };
}

export function k6ThresholdsJudgement(s: JudgedScenario): Judgement {
  const code = s.k6ExitCode;
  const status = code === 0 ? "pass" : code === K6_THRESHOLDS_FAILED ? "fail" : "unknown";
  const details = code === 0 || code === K6_THRESHOLDS_FAILED ? {} : { reason: code === null ? "k6 did not finish" : `k6 exited with ${code}, not a threshold verdict` };
  return { source: "k6-thresholds", name: "k6 thresholds", scenario: s.name, status, measured: code === null ? null : `k6 exit code ${code}`, limit: "every threshold met (exit code 0): the scenario's own, and SLO objectives marked abortOnFail, which stop the run when they fail", details };
}

export function checkJudgements(s: JudgedScenario): Judgement[] {
  return s.checks.map((c) => {
    if (Array.isArray(c.details.findings)) return { ...c, source: "check", scenario: s.name, measured: `${c.details.findings.length} finding(s)${privacyScope(c.details)}`, limit: "0 findings" };
    // message checkers: how many messages they flagged of how many they looked at (ids in details)
    if (typeof c.details.count === "number") {
      const ids = Array.isArray(c.details.ids) ? (c.details.ids as { id?: unknown }[]).slice(0, 3).map((x) => String(x.id)) : [];
      const checked = typeof c.details.checked === "number" ? ` of ${c.details.checked}` : "";
      // a checker that fails only part of what it flags says so: `policy` (redelivered on the wire
      // under at least once: reported, not a failure) or `unexplained` (late: only what no fault explains)
      const unexplained = typeof c.details.unexplained === "number" ? `; ${c.details.unexplained} that no fault explains` : "";
      const limit = typeof c.details.policy === "string" ? c.details.policy : unexplained ? "none that no fault explains" : "none flagged";
      return { ...c, source: "check", scenario: s.name, measured: `${c.details.count}${checked} message(s) flagged${ids.length ? ` (${ids.join(", ")}${c.details.count > ids.length ? ", ..." : ""})` : ""}${unexplained}`, limit };
    }
    return { ...c, source: "check", scenario: s.name, measured: null, limit: null };
  });
}

/** What the privacy check read: the proxies' traffic, and the server's stored files and logs. */
function privacyScope(details: Record<string, unknown>): string {
  const captures = Array.isArray(details.captures) ? (details.captures as { path?: string; messages?: number }[]) : [];
  const stored = typeof details.storedFilesTotal === "number" ? `, ${details.storedFilesTotal} stored file(s) of the server (${typeof details.storedBytes === "number" ? details.storedBytes : 0} bytes)` : "";
  return captures.length || stored ? ` in ${captures.map((c) => `${c.path}: ${c.messages ?? 0} messages`).join(", ") || "no capture"}${stored}` : "";
}

export function generatorJudgement(s: JudgedScenario): Judgement {
  const g = s.generator;
  const inWindow = g.spans.filter((x) => x.inMeasuredWindow);
  const status = !g.measured ? "unknown" : g.inMeasuredWindow ? "fail" : "pass";
  return {
    source: "generator", name: "load generator kept up (saturation guard)", scenario: s.name, status,
    measured: g.measured ? `${inWindow.length} saturated span(s) in the measured window` : null, limit: "none",
    details: { ...(g.note ? { note: g.note } : {}), spans: inWindow.map((x) => `${x.fromS}s-${x.toS}s: ${x.reason}`) },
  };
}

export function lostAfterAckJudgement(s: JudgedScenario): Judgement {
  const lost = s.figures.messages.lostAfterAck;
  const acked = s.figures.messages.acked;
  return {
    source: "messages", name: "no acknowledged message lost", scenario: s.name,
    status: acked === 0 ? "unknown" : lost === 0 ? "pass" : "fail",
    measured: `${lost} lost of ${acked} acknowledged`, limit: "== 0", details: acked === 0 ? { reason: "no message was acknowledged" } : {},
  };
}

export function builtInJudgements(s: JudgedScenario): Judgement[] {
  return [runJudgement(s), k6ThresholdsJudgement(s), ...checkJudgements(s), generatorJudgement(s), lostAfterAckJudgement(s)];
}
