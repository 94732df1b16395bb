// SLO objectives that k6 can check itself become k6 thresholds too, so k6's own summary agrees with
// the verdict: whole-run delivery latency percentiles (k6's delivery_latency Trend, ms) and decrypt
// failures (k6's decrypt_failures Counter). k6 measures every delivered message, warm-up and
// session greetings included, so its figure can differ a little from the harness's; a threshold k6
// fails shows in the verdict as "k6 thresholds" (k6's exit code 99).
import { UNIT_SPELLINGS, figureNamed } from "./figure-catalog.ts";
import type { Objective } from "./slo-schema.ts";

const K6_METRICS: Record<string, { metric: string; aggregate: string }> = {
  "latency.p50": { metric: "delivery_latency", aggregate: "p(50)" },
  "latency.p95": { metric: "delivery_latency", aggregate: "p(95)" },
  "latency.p99": { metric: "delivery_latency", aggregate: "p(99)" },
  "latency.max": { metric: "delivery_latency", aggregate: "max" },
  "messages.decryptFailures": { metric: "decrypt_failures", aggregate: "count" },
};

/** k6 thresholds for one scenario of the suite (`name`: its entry name, `kind`: its scenario). */
export function k6ThresholdsFor(objectives: readonly Objective[], name: string, kind: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const o of objectives) {
    const k6 = K6_METRICS[o.figure];
    if (!k6 || o.op === undefined || o.value === undefined || o.fault !== undefined || (o.phase ?? "whole") !== "whole") continue;
    if (o.scenario !== undefined && o.scenario !== name && o.scenario !== kind) continue;
    const limit = o.value * UNIT_SPELLINGS[figureNamed(o.figure)!.unit][o.unit ?? "count"];
    (out[k6.metric] ??= []).push(`${k6.aggregate}${o.op}${limit}`);
  }
  return out;
}
