// What the exporter writes: Kubernetes' core objects built from their typed models
// (kubernetes-models, Kubernetes' own OpenAPI schemas with a validator each) and validated before
// they are written, the TestRun as a plain object (a CRD the models do not have: it is validated
// against the schema derived from the operator's CRD, schemas/), and the labels every object of
// one exported test carries, so `kubectl delete -l` removes them all.
import { stringify } from "yaml";

/** The TestRun (k6.io): the one kind not built from kubernetes-models. */
export interface K8sObject {
  apiVersion: `k6.io/${string}`;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** A core object built from its kubernetes-models class (`new Service({...})`, `new StatefulSet({...})`). */
export interface CoreObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  validate(): void;
  toJSON(): unknown;
}

/** A core object that does not match Kubernetes' schema for its kind. */
export class InvalidManifestError extends Error {
  constructor(readonly object: string, readonly fields: string[]) {
    super(`${object} is not a valid Kubernetes object: ${fields.join("; ")}`);
    this.name = "InvalidManifestError";
  }
}

type SchemaError = { instancePath?: string; message?: string; params?: { missingProperty?: string } };

/** Validates `object` against Kubernetes' schema for its kind; throws InvalidManifestError naming the object and each field. */
export function validateCore(object: CoreObject): void {
  try {
    object.validate();
  } catch (e) {
    const errors = (e as { errors?: SchemaError[] }).errors;
    if (!errors?.length) throw e;
    const field = (err: SchemaError) => {
      const path = (err.instancePath ?? "").split("/").filter(Boolean);
      if (err.params?.missingProperty) path.push(err.params.missingProperty);
      return path.join(".") || "(the object)";
    };
    throw new InvalidManifestError(`${object.kind} ${object.metadata?.name ?? "(no name)"}`, errors.map((err) => `${field(err)}: ${err.params?.missingProperty ? "is required" : (err.message ?? "invalid")}`));
  }
}

/** Labels of every object of the exported test `test` (the TestRun's name). */
export function testLabels(test: string, component: string): Record<string, string> {
  return { "app.kubernetes.io/part-of": "e2ee-chaos", "e2ee-chaos/test": test, "app.kubernetes.io/component": component };
}

/** Several objects as one multi-document YAML file; each core object is validated first. */
export function toYamlDocuments(objects: (CoreObject | K8sObject)[]): string {
  const plain = objects.map((o) => {
    if (!("validate" in o && typeof o.validate === "function")) return o;
    validateCore(o as CoreObject);
    return (o as CoreObject).toJSON();
  });
  return plain.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
}
