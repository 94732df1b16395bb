// `npm run chaos -- report [RUN_ID] [--all] [--reports DIR]`: rebuild HTML pages from existing run
// folders. With RUN_ID (an id under --reports, or a run folder): that run's index.html, then the
// history. Without: the history reports/index.html (--all: every run's page first).
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Command } from "../main.ts";
import { parseCommandArgs } from "../command-args.ts";
import { EXIT } from "../../exit-codes.ts";
import { InputError } from "../../errors.ts";
import { writeHistory, writeRunReport } from "../../report/html/write-reports.ts";

const USAGE = "usage: npm run chaos -- report [RUN_ID|PATH] [--all] [--reports DIR]";

export const command: Command = {
  summary: "rebuild a run's HTML page (report RUN_ID) or the history of all runs (report [--all])",
  async main(args) {
    const parsed = parseCommandArgs("report", USAGE, { args, allowPositionals: true, options: { reports: { type: "string" }, all: { type: "boolean" } } });
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    let reportsDir = resolve(values.reports ?? "reports");
    const runs: string[] = [];
    if (positionals[0]) {
      const given = positionals[0];
      const dir = existsSync(join(reportsDir, given, "summary.json")) ? join(reportsDir, given) : resolve(given);
      if (!existsSync(join(dir, "summary.json"))) throw new InputError(`report: no run '${given}' (looked for ${join(reportsDir, given, "summary.json")} and ${join(resolve(given), "summary.json")})`);
      if (!values.reports && !existsSync(join(reportsDir, given))) reportsDir = dirname(dir);
      runs.push(dir);
    } else if (values.all) {
      for (const name of existsSync(reportsDir) ? readdirSync(reportsDir) : []) {
        const dir = join(reportsDir, name);
        if (lstatSync(dir).isDirectory() && existsSync(join(dir, "summary.json"))) runs.push(dir);
      }
    }
    for (const dir of runs) {
      const started = Date.now();
      const file = await writeRunReport(dir);
      process.stdout.write(`${basename(dir)}: ${file} (${Date.now() - started} ms)\n`);
    }
    process.stdout.write(`history: ${writeHistory(reportsDir)}\n`);
    return EXIT.ok;
  },
};
