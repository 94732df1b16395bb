// Writes the HTML pages: a run's reports/<run-id>/index.html and the history reports/index.html.
import { existsSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { historyModel } from "./history-model.ts";
import { historyPage } from "./history-page.ts";
import { readSummary } from "./report-input.ts";
import { runModel } from "./run-model.ts";
import { runPage } from "./run-page.ts";

/** reports/<run-id>/index.html from the folder's summary.json and recorded files; null without a summary. */
export async function writeRunReport(runDir: string): Promise<string | null> {
  const summary = readSummary(runDir);
  if (!summary) return null;
  summary.runId ??= basename(runDir);
  const file = join(runDir, "index.html");
  writeFileSync(file, runPage(await runModel(runDir, summary)));
  return file;
}

/** reports/index.html over every run folder in reportsDir. */
export function writeHistory(reportsDir: string): string {
  const file = join(reportsDir, "index.html");
  writeFileSync(file, historyPage(historyModel(reportsDir)));
  return file;
}

/** After a run: its page, then the history. A failure here is reported, never the run's failure. */
export async function writeReportsAfterRun(runDir: string, log: (line: string) => void): Promise<void> {
  try {
    const page = await writeRunReport(runDir);
    const history = existsSync(dirname(runDir)) ? writeHistory(dirname(runDir)) : null;
    log(`html report: ${page ?? "(no summary.json)"}${history ? `, history: ${history}` : ""}`);
  } catch (error) {
    log(`html report not written: ${(error as Error).message}`);
  }
}
