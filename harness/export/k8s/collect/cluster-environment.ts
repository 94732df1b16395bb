// The Environment the fault timeline drives inside the cluster: the paths are the exported
// Services, Toxiproxy is its Service's API, and the relay is a StatefulSet. A crash (kill) scales
// the set to 0 and deletes the pod at once (grace 0), a graceful stop deletes it with its grace
// period; start scales back to 1 and waits until the pod is ready: the same pod name and volume
// claim, so the store survives as a local kill keeps the data directory. Freezing (pause) has no
// Kubernetes call, and the relay's logs and files are not reachable from here: those refuse.
import type { Environment, RelayControl } from "../../../environments/environment.ts";
import { ToxiproxyNetwork } from "../../../environments/toxiproxy-network.ts";
import { DEFAULT_TARGET } from "../../../targets/target.ts";
import type { ExportedPlan } from "../export-k8s.ts";
import { pathUrls } from "../toxiproxy-manifests.ts";
import { InClusterApi } from "./in-cluster-api.ts";

const READY_TIMEOUT_MS = 120_000;

/** Creates the four paths in the exported Toxiproxy (waiting until its API answers), then the environment over them. */
export async function clusterEnvironment(plan: ExportedPlan, api: InClusterApi): Promise<Environment> {
  const network = new ToxiproxyNetwork([plan.toxiproxyApi]);
  const until = Date.now() + READY_TIMEOUT_MS;
  while (!(await network.version().then(() => true, () => false))) {
    if (Date.now() > until) throw new Error(`Toxiproxy at ${plan.toxiproxyApi} did not answer within ${READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const p of plan.toxiproxyPaths) await network.createPath(p.name, p.listen, p.upstream);
  const set = plan.relayStatefulSet;
  const down = async (grace: number) => {
    await api.scaleStatefulSet(set, 0);
    await api.deletePod(`${set}-0`, grace).catch((e: Error) => { if (!/HTTP 404/.test(e.message)) throw e; });
  };
  const notHere = (what: string) => () => Promise.reject(new Error(`${what} is not available from the collector in the cluster`));
  const relay: RelayControl = {
    kill: () => down(0),
    terminate: () => down(10),
    async start() {
      await api.scaleStatefulSet(set, 1);
      const until = Date.now() + READY_TIMEOUT_MS;
      while ((await api.statefulSetReady(set)) < 1) {
        if (Date.now() > until) throw new Error(`relay ${set}-0 not ready ${READY_TIMEOUT_MS} ms after scaling to 1`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    pause: notHere("freezing the relay (pause)"),
    resume: notHere("thawing the relay (resume)"),
    metrics: async () => (await fetch(`http://${set}:7001/metrics`)).text(),
    logs: async () => "",
    async journal() {
      const res = await fetch(`http://${set}:7001/journal`);
      if (!res.ok) throw new Error(`GET /journal answered HTTP ${res.status}`);
      return res.text();
    },
    usage: async () => null,
    storedFiles: () => ({ [Symbol.asyncIterator]: () => ({ next: notHere("the relay's stored files") }) }),
  };
  return {
    // the collector's environment is neither local nor containers; nothing in the fault engine reads the kind
    kind: "containers",
    versions: {},
    target: { name: DEFAULT_TARGET, version: "exported" } as Environment["target"],
    paths: pathUrls(plan.test),
    network,
    relay,
    async stop() {},
  };
}
