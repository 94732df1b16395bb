// `npm run chaos -- slo --list | --schema | --check FILE [--suite NAME|FILE]`: the figures an SLO
// objective may name (generated from the code), the JSON Schema of SLO files, or a file checked
// without running anything.
import { InputError } from "../../errors.ts";
import { availableScenarios, loadSuite } from "../../suites/load-suite.ts";
import { figureList } from "../../verdict/figure-catalog.ts";
import { loadSlo } from "../../verdict/load-slo.ts";
import { sloJsonSchema } from "../../verdict/slo-schema.ts";
import { EXIT } from "../../exit-codes.ts";
import { parseCommandArgs } from "../command-args.ts";
import type { Command } from "../main.ts";

const USAGE = "usage: npm run chaos -- slo --list | --schema | --check FILE [--suite NAME|FILE]";

export const command: Command = {
  summary: "SLO files: --list the figures objectives may name, --schema (JSON Schema), --check FILE",
  async main(args) {
    const parsed = parseCommandArgs("slo", USAGE, { args, options: { list: { type: "boolean" }, schema: { type: "boolean" }, check: { type: "string" }, suite: { type: "string" } } });
    if (!parsed) return EXIT.ok;
    const { values } = parsed;
    if (values.list) process.stdout.write(`${figureList()}\n`);
    else if (values.schema) process.stdout.write(`${JSON.stringify(sloJsonSchema(), null, 2)}\n`);
    else if (values.check) {
      const names = values.suite ? loadSuite(values.suite).scenarios.map((s) => s.name) : [];
      const slo = loadSlo(values.check, [...new Set([...names, ...availableScenarios()])]);
      process.stdout.write(`${values.check}: ${slo.objectives.length} objective(s), valid\n`);
    } else throw new InputError(USAGE);
    return EXIT.ok;
  },
};
