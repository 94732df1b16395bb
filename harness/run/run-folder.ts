// reports/<run-id>/ (run id: UTC start time and suite name) and reports/latest pointing at it.
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";

export function newRunFolder(reportsDir: string, suiteName: string): { runId: string; runDir: string } {
  const runId = `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-")}-${suiteName}`;
  const runDir = resolve(reportsDir, runId);
  mkdirSync(runDir, { recursive: true });
  pointLatestAt(reportsDir, runId);
  return { runId, runDir };
}

function pointLatestAt(reportsDir: string, runId: string): void {
  const latest = join(reportsDir, "latest");
  rmSync(latest, { force: true, recursive: false });
  symlinkSync(runId, latest);
}
