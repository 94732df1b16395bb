// The collector: a Job running the harness's `collect` mode beside the runners. It waits for the
// first runner's start record, drives the fault timeline through Toxiproxy's API and the
// Kubernetes API (pod delete for a crash, scale to 0 and back for a restart), waits for the
// TestRun to finish, and leaves beside the runners' records what `analyse` needs: its fault
// records, its clock offset to the relay, the plan, and the population copied from the k6 archive it
// mounts read-only from where the runners get it (the script's ConfigMap or volume claim).
// Its service account may do exactly that in the namespace and nothing more.
import { Job } from "kubernetes-models/batch/v1/Job";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { CoreObject } from "./k8s-object.ts";
import { ARCHIVE_FILE, type ScriptSource } from "./script-source.ts";
import { recordsClaimName, RECORDS_MOUNT } from "./testrun.ts";

export const PLAN_FILE = "plan.json";
export const POPULATION_FILE = "population.json";
const SCRIPT_MOUNT = "/script";
export const collectorName = (test: string): string => `${test}-collector`;

export function collectorObjects(test: string, image: string, plan: object, source: ScriptSource, labels: Record<string, string>): CoreObject[] {
  const name = collectorName(test);
  const script = "configMap" in source.script
    ? { configMap: { name: source.script.configMap.name } }
    : { persistentVolumeClaim: { claimName: source.script.volumeClaim.name, readOnly: true } };
  return [
    new ConfigMap({ metadata: { name: `${name}-plan`, labels }, data: { [PLAN_FILE]: JSON.stringify(plan, null, 2) } }),
    new ServiceAccount({ metadata: { name, labels } }),
    new Role({
      metadata: { name, labels },
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "delete"] },
        { apiGroups: ["apps"], resources: ["statefulsets", "statefulsets/scale"], verbs: ["get", "patch"] },
        { apiGroups: ["k6.io"], resources: ["testruns"], verbs: ["get"] },
      ],
    }),
    new RoleBinding({
      metadata: { name, labels },
      subjects: [{ kind: "ServiceAccount", name }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    }),
    new Job({
      metadata: { name, labels },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            restartPolicy: "Never",
            containers: [{
              name: "collector", image,
              args: ["--plan", `/plan/${PLAN_FILE}`, "--records", RECORDS_MOUNT, "--archive", `${SCRIPT_MOUNT}/${ARCHIVE_FILE}`],
              volumeMounts: [{ name: "records", mountPath: RECORDS_MOUNT }, { name: "plan", mountPath: "/plan" }, { name: "script", mountPath: SCRIPT_MOUNT, readOnly: true }],
            }],
            volumes: [
              { name: "records", persistentVolumeClaim: { claimName: recordsClaimName(test) } },
              { name: "plan", configMap: { name: `${name}-plan` } },
              { name: "script", ...script },
            ],
          },
        },
      },
    }),
  ];
}
