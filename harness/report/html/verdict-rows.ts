// The verdict at the top of a run's page: one row per checker and objective with its status, the
// measured value and the limit, all read from summary.json (nothing is judged again here).
import type { Status, SummaryInput, SummaryScenario } from "./report-input.ts";

export interface VerdictRow { scenario: string; name: string; status: Status; measured: string; limit: string }

const RANK: Record<Status, number> = { pass: 0, unknown: 1, fail: 2 };

export function worst(statuses: Status[]): Status {
  if (statuses.length === 0) return "unknown";
  return statuses.reduce<Status>((w, s) => (RANK[s] > RANK[w] ? s : w), "pass");
}

export function verdictRows(summary: SummaryInput): VerdictRow[] {
  const rows: VerdictRow[] = [];
  rows.push({ scenario: "(run)", name: "run status", status: summary.status === "completed" ? "pass" : summary.status === "failed" ? "fail" : "unknown", measured: summary.status ?? "not recorded", limit: "completed" });
  for (const s of summary.scenarios ?? []) rows.push(...scenarioRows(s));
  return rows;
}

function scenarioRows(s: SummaryScenario): VerdictRow[] {
  const rows: VerdictRow[] = [];
  const row = (name: string, status: Status, measured: string, limit: string) => rows.push({ scenario: s.name, name, status, measured, limit });
  row("k6 thresholds", s.thresholdsPassed === undefined ? "unknown" : s.thresholdsPassed ? "pass" : "fail", `k6 exit code ${s.k6ExitCode ?? "none"}`, "exit code 0 (every threshold held)");
  const m = s.figures?.messages;
  if (m) row("messages lost after acknowledgement", m.lostAfterAck === 0 ? "pass" : "fail", `${m.lostAfterAck} of ${m.acked} acknowledged`, "0");
  else row("messages lost after acknowledgement", "unknown", "not measured", "0");
  const g = s.generator;
  if (g) {
    const status: Status = !g.measured ? "unknown" : g.inMeasuredWindow ? "fail" : "pass";
    const measured = g.measured
      ? `peak k6 CPU ${fmt(g.peakCpuCores, 2)} of ${g.machineCores ?? "?"} cores, peak tick lag ${fmt(g.peakLagMs, 0)} ms, ${g.spans?.length ?? 0} saturated span(s)${g.inMeasuredWindow ? " in the measured window" : ""}`
      : `not measured (${g.note ?? "no samples"})`;
    row("load generator not saturated", status, measured, `tick lag ≤ ${g.thresholds?.maxLateMs ?? 100} ms and CPU ≤ ${Math.round((g.thresholds?.maxCpuFraction ?? 0.9) * 100)}% of the cores, in the measured window`);
  } else row("load generator not saturated", "unknown", "not measured (run predates the saturation guard)", "no saturated span in the measured window");
  for (const c of s.checks ?? []) row(`checker: ${c.name}`, c.status, detailsText(c.details), c.name === "privacy" ? "no plaintext, key or id of the run in proxy traffic, nor in the server's stored files and logs" : typeof c.details?.means === "string" ? c.details.means : "none flagged");
  for (const w of s.figures?.windows ?? []) {
    const r = w.recovery?.recovery;
    const name = `recovery after #${w.entry} ${w.kind} ${w.target}`;
    if (!r) row(name, "unknown", "not measured", "back within the recovery band");
    else if (r.recovered) row(name, "pass", `recovered in ${fmt((r.ttrMs ?? 0) / 1000, 1)} s after the ${w.recovery?.reference ?? "heal"}`, `back within the band (p95 ≤ ${fmt(r.p95LimitMs, 0)} ms) before the next fault`);
    else row(name, "fail", `not recovered: ${r.reason ?? "unknown reason"}`, `back within the band (p95 ≤ ${fmt(r.p95LimitMs, 0)} ms) before the next fault`);
  }
  return rows;
}

function detailsText(details: Record<string, unknown> | undefined): string {
  if (!details) return "";
  if (typeof details.count === "number") {
    // a message checker: how many it flagged, of how many, and which faults they are blamed on
    const byFault = details.byFault && typeof details.byFault === "object" ? Object.entries(details.byFault as Record<string, number>).map(([f, n]) => `${f}: ${n}`).join(", ") : "";
    return `${details.count} flagged${typeof details.checked === "number" ? ` of ${details.checked} checked` : ""}${byFault ? ` (${byFault})` : ""}`;
  }
  if (typeof details.findingsTotal === "number" && Array.isArray(details.captures)) {
    // the privacy check: findings, and how much proxy traffic and how many stored files it read
    const captures = details.captures as { path?: string; messages?: number }[];
    const storedCount = typeof details.storedFilesTotal === "number" ? details.storedFilesTotal : Array.isArray(details.storedFiles) ? details.storedFiles.length : null;
    const stored = storedCount !== null ? `; ${storedCount} stored file(s) of the server, ${fmtBytes(typeof details.storedBytes === "number" ? details.storedBytes : 0)}` : "";
    return `${details.findingsTotal} finding(s) in ${captures.map((c) => `${c.path}: ${c.messages ?? 0} messages`).join(", ")}${stored}`;
  }
  if (typeof details.notApplicable === "string") return `not applicable: ${details.notApplicable}`;
  const text = JSON.stringify(details);
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

function fmtBytes(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}

export function fmt(v: number | null | undefined, digits: number): string {
  return typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "n/a";
}
