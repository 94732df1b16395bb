// `npm run chaos -- collect --plan FILE --records DIR --archive FILE [--linger-s N]`: the collector Job's program
// (harness/export/k8s/collect); it needs the cluster's service account, so it runs only in a pod.
import { existsSync, readFileSync } from "node:fs";
import { EXIT } from "../../exit-codes.ts";
import { InputError } from "../../errors.ts";
import { collect } from "../../export/k8s/collect/collect.ts";
import type { ExportedPlan } from "../../export/k8s/export-k8s.ts";
import { parseCommandArgs } from "../command-args.ts";
import type { Command } from "../main.ts";

const USAGE = "usage: npm run chaos -- collect --plan plan.json --records DIR --archive archive.tar [--linger-s N] (inside the collector Job of `export k8s`; the harness image's entrypoint takes the same options)";

export const command: Command = {
  summary: "collect --plan FILE --records DIR --archive FILE: the k8s collector Job's program (fault timeline, records)",
  async main(args) {
    const parsed = parseCommandArgs("collect", USAGE, { args, options: { plan: { type: "string" }, records: { type: "string" }, archive: { type: "string" }, "linger-s": { type: "string" } } });
    if (!parsed) return EXIT.ok;
    const { values } = parsed;
    if (!values.plan || !values.records || !values.archive) throw new InputError(`collect: --plan, --records and --archive are required; ${USAGE}`);
    if (!existsSync(values.archive)) throw new InputError(`collect: --archive ${values.archive}: no such file (the k6 archive the runners run, mounted from the script's ConfigMap or claim)`);
    let plan: ExportedPlan;
    try {
      plan = JSON.parse(readFileSync(values.plan, "utf8")) as ExportedPlan;
    } catch (e) {
      throw new InputError(`collect: --plan ${values.plan}: ${(e as Error).message}`);
    }
    const linger = values["linger-s"] === undefined ? 600 : Number(values["linger-s"]);
    if (!Number.isInteger(linger) || linger < 0) throw new InputError(`collect: --linger-s=${values["linger-s"]} is not allowed; allowed: a whole number of seconds >= 0`);
    await collect(plan, values.records, values.archive, (line) => process.stdout.write(`${line}\n`));
    // the pod stays up so `kubectl cp <collector-pod>:/records ./gathered` can copy the claim
    process.stdout.write(`lingering ${linger} s for kubectl cp\n`);
    await new Promise((r) => setTimeout(r, linger * 1000));
    return EXIT.ok;
  },
};
