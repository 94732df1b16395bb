// `export k8s`: for each scenario of the plan, a folder a user applies with `kubectl apply -f`
// to a cluster running the k6-operator: the environment (records claim, relay StatefulSet,
// Toxiproxy and its path Services), the archived scenario, the collector and the TestRun.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../errors.ts";
import { executionSegmentArgs } from "../../load/segments/execution-segment-args.ts";
import { generatePopulation, writePopulationFile } from "../../load/population.ts";
import type { LoadShape, ScenarioPlan } from "../../suites/scenario-plan.ts";
import { K6_VERSION, LOCAL_IMAGES } from "../../toolchain/versions.ts";
import { toK6Env } from "../../../scenarios/lib/scenario-settings.ts";
import { collectorObjects, POPULATION_FILE } from "./collector-manifests.ts";
import { k6Archive } from "./k6-archive.ts";
import { testLabels, toYamlDocuments } from "./k8s-object.ts";
import { relayObjects } from "./relay-manifests.ts";
import { ARCHIVE_FILE, scriptSource } from "./script-source.ts";
import { recordsClaim, RECORDS_MOUNT, SUMMARY_FILE, testRun } from "./testrun.ts";
import { pathUrls, toxiproxyApiUrl, toxiproxyObjects, toxiproxyPaths } from "./toxiproxy-manifests.ts";

export interface K8sExportOptions {
  parallelism: number;
  outDir: string;
  k6Path: string;
  images: { relay: string; runner: string; harness: string };
  log: (line: string) => void;
}

/** The k6 image the operator runs each runner in: the same k6 version the harness pins. */
export const DEFAULT_RUNNER_IMAGE = `grafana/k6:${K6_VERSION}`;
/** the names `npm run tools` gives the newest relay and harness images (node-program-image.ts) */
export const DEFAULT_RELAY_IMAGE = `${LOCAL_IMAGES.relayRepository}:latest`;
export const DEFAULT_HARNESS_IMAGE = `${LOCAL_IMAGES.harnessRepository}:latest`;
/** one-time prekeys per user, the number run-scenario.ts generates */
const ONE_TIME_PREKEYS = 5;

/** What the collector and `analyse` need to know about the exported test (plan.json). */
export interface ExportedPlan {
  test: string;
  runId: string;
  plan: ScenarioPlan;
  load: LoadShape;
  parallelism: number;
  /** the flags the operator gives runner i (pkg/segmentation), the same as `--segments` gives locally */
  runners: { index: number; segmentArgs: string[] }[];
  toxiproxyApi: string;
  /** the proxies the collector creates before the runners start */
  toxiproxyPaths: { name: string; listen: string; upstream: string }[];
  relayStatefulSet: string;
}

export async function exportK8s(plans: ScenarioPlan[], loads: LoadShape[], o: K8sExportOptions): Promise<string[]> {
  if (!Number.isInteger(o.parallelism) || o.parallelism < 1) throw new InputError(`--parallelism: '${o.parallelism}' is not allowed; allowed: a whole number >= 1`);
  for (const plan of plans) {
    if (plan.target !== undefined && plan.target !== "relay") throw new InputError(`${plan.origin?.where ?? plan.name}: target '${plan.target}' cannot be exported; allowed: relay (the XMPP servers are not packaged for Kubernetes)`);
  }
  const written: string[] = [];
  for (const [i, plan] of plans.entries()) written.push(await exportScenario(plan, loads[i]!, o));
  return written;
}

async function exportScenario(plan: ScenarioPlan, load: LoadShape, o: K8sExportOptions): Promise<string> {
  const test = dnsName(`chaos-${plan.name}`);
  const runId = `${test}-${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}`;
  const dir = resolve(o.outDir, plan.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  o.log(`[${plan.name}] generating ${load.users} users (seed ${load.seed}) for the archive`);
  const population = await generatePopulation({ users: load.users, seed: load.seed, contactsPerUser: load.contacts, oneTimePrekeys: ONE_TIME_PREKEYS });
  const populationFile = join(dir, POPULATION_FILE);
  await writePopulationFile(populationFile, population);
  const paths = pathUrls(test);
  const env = {
    ...toK6Env(load, {
      runId, populationFile, endpoints: paths.map((p) => `${p.name}=${p.url}`).join(","), directEndpoints: String(paths.filter((p) => p.kind === "direct").length), protocol: "relay",
    }),
    SUMMARY_FILE: `${RECORDS_MOUNT}/${SUMMARY_FILE}`,
  };
  o.log(`[${plan.name}] k6 archive ${plan.file}`);
  const archive = await k6Archive(o.k6Path, plan.file, env, join(dir, ARCHIVE_FILE));
  // the population travels inside the archive, where the collector takes it from for analyse
  const labels = testLabels(test, "e2ee-chaos");
  const source = scriptSource(test, archive, labels);
  if (source.kind === "configMap") rmSync(join(dir, ARCHIVE_FILE));
  const exported: ExportedPlan = {
    test, runId, plan, load, parallelism: o.parallelism,
    runners: Array.from({ length: o.parallelism }, (_, index) => ({ index, segmentArgs: executionSegmentArgs(index, o.parallelism) })),
    toxiproxyApi: toxiproxyApiUrl(test), toxiproxyPaths: toxiproxyPaths(test), relayStatefulSet: `${test}-relay`,
  };
  writeFileSync(join(dir, "plan.json"), `${JSON.stringify(exported, null, 2)}\n`);
  writeFileSync(join(dir, "10-environment.yaml"), toYamlDocuments([recordsClaim(test, labels), ...relayObjects(test, o.images.relay, plan.relayEnv, labels), ...toxiproxyObjects(test, labels)]));
  writeFileSync(join(dir, "20-script.yaml"), toYamlDocuments(source.objects));
  writeFileSync(join(dir, "30-collector.yaml"), toYamlDocuments(collectorObjects(test, o.images.harness, exported, source, labels)));
  writeFileSync(join(dir, "40-testrun.yaml"), toYamlDocuments([testRun(test, o.parallelism, source, o.images.runner, labels)]));
  o.log(`[${plan.name}] ${dir}: TestRun ${test}, parallelism ${o.parallelism}, script in a ${source.kind === "configMap" ? "ConfigMap" : `volume claim (copy ${ARCHIVE_FILE} into it first, see the README)`} (${archive.byteLength} bytes)`);
  return dir;
}

/** A DNS-1123 label part: lower case, digits and '-', at most 40 characters (the operator appends suffixes). */
function dnsName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");
}
