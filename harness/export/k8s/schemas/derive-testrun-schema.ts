// Writes the JSON Schema kubeconform validates a TestRun with, from the k6-operator's CRD:
//   node --import tsx harness/export/k8s/schemas/derive-testrun-schema.ts k6.io_testruns.yaml
// (config/crd/bases/k6.io_testruns.yaml of grafana/k6-operator at the tag below). The CRD's
// openAPIV3Schema, closed wherever it lists properties (additionalProperties: false, as
// kubeconform's -strict schemas are: an unknown field is refused), except where the CRD keeps
// unknown fields on purpose (x-kubernetes-preserve-unknown-fields).
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";

export const K6_OPERATOR_TAG = "v1.6.0";
export const K6_OPERATOR_COMMIT = "cf0ae21f4e26b0dd0f99d763ae72e063b4384f2a";
export const TESTRUN_SCHEMA_FILE = new URL("./k6.io/testrun_v1alpha1.json", import.meta.url);

type Schema = { [key: string]: unknown };

export function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (typeof node !== "object" || node === null) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === "properties" ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, closeObjects(s)])) : closeObjects(v);
  if (out.properties && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) out.additionalProperties = false;
  return out;
}

export function testRunSchema(crdYaml: string): Schema {
  const crd = parse(crdYaml) as { spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] } };
  const version = crd.spec.versions.find((v) => v.name === "v1alpha1");
  if (!version) throw new Error("the CRD has no v1alpha1 version");
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    description: `TestRun k6.io/v1alpha1, derived from grafana/k6-operator ${K6_OPERATOR_TAG} (${K6_OPERATOR_COMMIT}) config/crd/bases/k6.io_testruns.yaml by harness/export/k8s/schemas/derive-testrun-schema.ts`,
    ...(closeObjects(version.schema.openAPIV3Schema) as Schema),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const crd = process.argv[2];
  if (!crd) {
    process.stderr.write("usage: node --import tsx harness/export/k8s/schemas/derive-testrun-schema.ts path/to/k6.io_testruns.yaml\n");
    process.exit(2);
  }
  writeFileSync(TESTRUN_SCHEMA_FILE, `${JSON.stringify(testRunSchema(readFileSync(crd, "utf8")), null, 1)}\n`);
  process.stdout.write(`${TESTRUN_SCHEMA_FILE.pathname}\n`);
}
