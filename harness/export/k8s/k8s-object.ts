// What the exporter writes: plain Kubernetes objects (apiVersion, kind, metadata, the rest) and
// the labels every object of one exported test carries, so `kubectl delete -l` removes them all.
import { stringify } from "yaml";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Labels of every object of the exported test `test` (the TestRun's name). */
export function testLabels(test: string, component: string): Record<string, string> {
  return { "app.kubernetes.io/part-of": "e2ee-chaos", "e2ee-chaos/test": test, "app.kubernetes.io/component": component };
}

/** Several objects as one multi-document YAML file. */
export function toYamlDocuments(objects: K8sObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
}
