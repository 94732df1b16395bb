// The few Kubernetes API calls the collector makes, from inside the cluster with its service
// account (token, CA and namespace from the mounted secret): delete a pod, scale a StatefulSet,
// read a TestRun's stage. Each failure names the call and the API's answer.
import { readFileSync } from "node:fs";
import { request } from "node:https";

const ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

export class InClusterApi {
  private readonly token = readFileSync(`${ACCOUNT}/token`, "utf8").trim();
  private readonly ca = readFileSync(`${ACCOUNT}/ca.crt`);
  readonly namespace = readFileSync(`${ACCOUNT}/namespace`, "utf8").trim();
  private readonly host = process.env.KUBERNETES_SERVICE_HOST ?? "kubernetes.default.svc";
  private readonly port = Number(process.env.KUBERNETES_SERVICE_PORT ?? 443);

  /** gracePeriodSeconds 0: SIGKILL, a crash */
  deletePod(name: string, gracePeriodSeconds: number): Promise<unknown> {
    return this.call("DELETE", `/api/v1/namespaces/${this.namespace}/pods/${name}`, { gracePeriodSeconds });
  }

  scaleStatefulSet(name: string, replicas: number): Promise<unknown> {
    return this.call("PATCH", `/apis/apps/v1/namespaces/${this.namespace}/statefulsets/${name}/scale`, { spec: { replicas } }, "application/merge-patch+json");
  }

  async statefulSetReady(name: string): Promise<number> {
    const set = (await this.call("GET", `/apis/apps/v1/namespaces/${this.namespace}/statefulsets/${name}`)) as { status?: { readyReplicas?: number } };
    return set.status?.readyReplicas ?? 0;
  }

  /** the TestRun's .status.stage ("started", "finished", "error", ...) */
  async testRunStage(name: string): Promise<string> {
    const run = (await this.call("GET", `/apis/k6.io/v1alpha1/namespaces/${this.namespace}/testruns/${name}`)) as { status?: { stage?: string } };
    return run.status?.stage ?? "";
  }

  private call(method: string, path: string, body?: object, contentType = "application/json"): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, method, path, ca: this.ca, headers: { authorization: `Bearer ${this.token}`, "content-type": contentType, accept: "application/json" }, timeout: 15_000 }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d));
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
          else resolve(text ? JSON.parse(text) : null);
        });
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in 15000 ms`)));
      req.on("error", reject);
      req.end(body ? JSON.stringify(body) : undefined);
    });
  }
}
