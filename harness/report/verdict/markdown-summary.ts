// The verdict as Markdown, for $GITHUB_STEP_SUMMARY and people: the gate first, then every
// judgement that did not pass, then the full table.
import type { RunVerdict } from "../../verdict/run-verdict.ts";
import { judgementStatusText } from "./judgement-status-text.ts";

const cell = (s: string | null) => (s ?? "-").replace(/\|/g, "\\|").replace(/\n/g, " ");
const ICON: Record<string, string> = { fail: "**FAIL**", unknown: "_unknown_" };

export function markdownSummary(verdict: RunVerdict, reportDir: string): string {
  const head = `## e2ee-chaos ${verdict.runId}: gate ${verdict.gate === "pass" ? "passed" : "FAILED"}`;
  const facts = `${verdict.counts.pass} passed, ${verdict.counts.fail} failed, ${verdict.counts.unknown} unknown (unknown ${verdict.unknownPolicy === "fail" ? "fails the gate unless the SLO file allows it" : "passes the gate"})` +
    `${targetText(verdict)}${verdict.slo ? `; SLO file \`${verdict.slo}\`` : ""}${verdict.baseline ? `; baseline \`${verdict.baseline}\`` : ""}${verdict.interrupted ? "; **interrupted**" : ""}. Report: \`${reportDir}\``;
  const allowed = (j: RunVerdict["judgements"][number]) => (j.details.unknownAllowed ? ` (allowed: ${String(j.details.unknownAllowed)})` : "");
  const rows = verdict.judgements.map((j) => `| ${ICON[j.status] ?? judgementStatusText(j)}${cell(allowed(j))} | ${cell(j.scenario)} | ${cell(j.name)} | ${cell(j.measured)} | ${cell(j.limit)} |`);
  return [head, "", facts, "", "| status | scenario | judgement | measured | limit |", "|---|---|---|---|---|", ...rows, ""].join("\n");
}

/** "; target prosody 0.12.3-1+deb12u1", or each scenario's where they differ. */
function targetText(verdict: RunVerdict): string {
  const text = (t: { name: string; version: string | null }) => `${t.name} ${t.version ?? "(not started)"}`;
  if (verdict.target) return `; target \`${text(verdict.target)}\``;
  const each = Object.entries(verdict.targets ?? {});
  return each.length ? `; targets ${each.map(([scenario, t]) => `${scenario}: \`${text(t)}\``).join(", ")}` : "";
}
