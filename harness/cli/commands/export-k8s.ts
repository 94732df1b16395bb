// `npm run chaos -- export k8s --parallelism N [--scenario X | --suite F] --out DIR`: manifests
// for a cluster with the k6-operator (harness/export/k8s): per scenario a folder to `kubectl apply`.
import { EXIT } from "../../exit-codes.ts";
import { InputError } from "../../errors.ts";
import { DEFAULT_HARNESS_IMAGE, DEFAULT_RELAY_IMAGE, DEFAULT_RUNNER_IMAGE, exportK8s } from "../../export/k8s/export-k8s.ts";
import { bareScenarioPlan, loadSuite } from "../../suites/load-suite.ts";
import { ensureToolPath } from "../../toolchain/ensure-tool.ts";
import { scenarioSettings, type ScenarioSettings } from "../../../scenarios/lib/scenario-settings.ts";
import { parseCommandArgs } from "../command-args.ts";
import type { Command } from "../main.ts";

const TARGETS = ["k8s"];
export const EXPORT_USAGE = `usage: npm run chaos -- export k8s --parallelism N [--scenario NAME | --suite NAME|FILE] --out DIR [--users N] [--seed N] [--relay-image IMAGE] [--runner-image IMAGE] [--harness-image IMAGE]
  --parallelism N        k6 runners (the TestRun's parallelism; the operator gives each its execution segment)
  --relay-image IMAGE    the relay the cluster runs (default ${DEFAULT_RELAY_IMAGE}; push the harness's relay image to a registry the cluster reads)
  --runner-image IMAGE   the k6 image of the runners (default ${DEFAULT_RUNNER_IMAGE})
  --harness-image IMAGE  the image the collector Job runs the harness from (default ${DEFAULT_HARNESS_IMAGE})`;

export const command: Command = {
  summary: "export k8s --parallelism N --out DIR: manifests for the k6-operator (TestRun, relay, Toxiproxy, collector)",
  async main(args) {
    const parsed = parseCommandArgs("export", EXPORT_USAGE, {
      args, allowPositionals: true,
      options: {
        parallelism: { type: "string" }, scenario: { type: "string" }, suite: { type: "string" }, out: { type: "string" }, users: { type: "string" }, seed: { type: "string" },
        "relay-image": { type: "string" }, "runner-image": { type: "string" }, "harness-image": { type: "string" },
      },
    });
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length !== 1 || !TARGETS.includes(positionals[0]!)) throw new InputError(`export: '${positionals.join(" ")}' is not allowed; allowed: ${TARGETS.join(", ")}\n${EXPORT_USAGE}`);
    const parallelism = wholeNumber("parallelism", values.parallelism, 1, true)!;
    if (!values.out) throw new InputError(`export: --out DIR is required (the folder the manifests go to)\n${EXPORT_USAGE}`);
    if (values.scenario && values.suite) throw new InputError("export: give --scenario or --suite, not both");
    // --scenario alone: the scenario with its own defaults and default timeline, as `run --scenario` outside a suite
    const suite = values.scenario ? null : loadSuite(values.suite ?? "default");
    const plans = suite ? suite.scenarios : [bareScenarioPlan(values.scenario!)];
    if (plans.length === 0) throw new InputError(`${suite?.source}: the suite has no scenarios`);
    const overrides: Partial<ScenarioSettings> = {};
    const users = wholeNumber("users", values.users, 2, false);
    const seed = wholeNumber("seed", values.seed, 0, false);
    if (users !== undefined) overrides.users = users;
    if (seed !== undefined) overrides.seed = seed;
    const loads = plans.map((p) => scenarioSettings(p.scenario, p.load, overrides));
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const dirs = await exportK8s(plans, loads, {
      parallelism, outDir: values.out, k6Path: await ensureToolPath("k6", log), log,
      images: { relay: values["relay-image"] ?? DEFAULT_RELAY_IMAGE, runner: values["runner-image"] ?? DEFAULT_RUNNER_IMAGE, harness: values["harness-image"] ?? DEFAULT_HARNESS_IMAGE },
    });
    for (const dir of dirs) process.stdout.write(`${dir}\n`);
    return EXIT.ok;
  },
};

function wholeNumber(flag: string, raw: string | undefined, min: number, required: boolean): number | undefined {
  if (raw === undefined) {
    if (required) throw new InputError(`export: --${flag} is required; allowed: a whole number >= ${min}\n${EXPORT_USAGE}`);
    return undefined;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new InputError(`export: --${flag}=${raw} is not allowed; allowed: a whole number >= ${min}`);
  return Number(raw);
}
