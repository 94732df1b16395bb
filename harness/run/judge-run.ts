// The one path from a run's summary to its verdict and pages: verdict.json, junit.xml and
// verdict.md from the verdict, then the HTML pages (the run's and the history) from the files.
import { writeReportsAfterRun } from "../report/html/write-reports.ts";
import { writeVerdict } from "../report/verdict/write-verdict.ts";
import { runVerdict, type RunVerdict, type VerdictInput } from "../verdict/run-verdict.ts";

export type VerdictFiles = ReturnType<typeof writeVerdict>;

/** `announce` is told the verdict once its files are written, before the pages are. */
export async function judgeRun(runDir: string, input: VerdictInput, log: (line: string) => void, announce: (verdict: RunVerdict, files: VerdictFiles) => void = () => {}): Promise<RunVerdict> {
  const verdict = runVerdict(input);
  announce(verdict, writeVerdict(runDir, verdict));
  await writeReportsAfterRun(runDir, log);
  return verdict;
}
