// `npm run chaos -- analyse DIR [--reports DIR] [--slo FILE]`: a folder of records gathered from
// the k6-operator (harness/export/k8s/analyse/gathered-folder.ts) turned into a run folder with the
// same summary.json, verdict and report as a local run; the exit code follows the verdict.
import { InputError } from "../../errors.ts";
import { analyseGathered } from "../../export/k8s/analyse/analyse-gathered.ts";
import { readGatheredFolder } from "../../export/k8s/analyse/gathered-folder.ts";
import { availableScenarios } from "../../suites/load-suite.ts";
import { loadSlo } from "../../verdict/load-slo.ts";
import { parseCommandArgs } from "../command-args.ts";
import { exitCodeForVerdict } from "../verdict-exit-code.ts";
import { EXIT } from "../../exit-codes.ts";
import type { Command } from "../main.ts";

const USAGE = "usage: npm run chaos -- analyse DIR [--reports DIR] [--slo FILE]   (DIR: the collector's records as kubectl cp <collector-pod>:/records DIR copies them)";

export const command: Command = {
  summary: "analyse DIR: records gathered from the k6-operator (collect) into summary.json, verdict and report",
  async main(args) {
    const parsed = parseCommandArgs("analyse", USAGE, { args, allowPositionals: true, options: { reports: { type: "string" }, slo: { type: "string" } } });
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new InputError(`analyse: give one gathered folder (got ${positionals.length}); ${USAGE}`);
    const gathered = readGatheredFolder(positionals[0]!);
    const slo = values.slo ? loadSlo(values.slo, [...new Set([gathered.plan.plan.name, ...availableScenarios()])]) : null;
    const outcome = await analyseGathered(gathered, { reportsDir: values.reports ?? "reports", slo, argv: ["analyse", ...args], log: (line) => process.stdout.write(`${line}\n`) });
    return exitCodeForVerdict(outcome.verdict);
  },
};
