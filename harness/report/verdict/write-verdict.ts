// Writes a run's verdict next to summary.json: verdict.json, junit.xml, verdict.md; and appends the
// Markdown to $GITHUB_STEP_SUMMARY when that variable is set (GitHub Actions' job summary).
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunVerdict } from "../../verdict/run-verdict.ts";
import { junitXml } from "./junit-xml.ts";
import { markdownSummary } from "./markdown-summary.ts";

export function writeVerdict(runDir: string, verdict: RunVerdict, env: NodeJS.ProcessEnv = process.env): { verdict: string; junit: string; markdown: string } {
  const files = { verdict: join(runDir, "verdict.json"), junit: join(runDir, "junit.xml"), markdown: join(runDir, "verdict.md") };
  const md = markdownSummary(verdict, runDir);
  writeFileSync(files.verdict, JSON.stringify(verdict, null, 2) + "\n");
  writeFileSync(files.junit, junitXml(verdict, runDir));
  writeFileSync(files.markdown, md);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, md + "\n");
  return files;
}

/** Lines for the terminal: every judgement that did not pass, then the gate. */
export function verdictLines(verdict: RunVerdict): string[] {
  const bad = verdict.judgements.filter((j) => j.status !== "pass").map((j) => `  ${j.status.toUpperCase().padEnd(7)} [${j.scenario}] ${j.name}: measured ${j.measured ?? "nothing"}, limit ${j.limit ?? "-"}${j.details.reason ? ` (${String(j.details.reason)})` : ""}${j.details.unknownAllowed ? ` [allowed by the SLO file: ${String(j.details.unknownAllowed)}]` : ""}`);
  return [`verdict: ${verdict.status} (${verdict.counts.pass} passed, ${verdict.counts.fail} failed, ${verdict.counts.unknown} unknown) -> gate ${verdict.gate}`, ...bad];
}
