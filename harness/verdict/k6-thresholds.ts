// Each SLO objective is judged once, by the harness, from the figures (verdict/). An objective
// marked "abortOnFail" is in addition a k6 threshold with abortOnFail, so that k6 stops the run as
// soon as it fails: that is its one purpose, acting during the run, and the verdict says so (the
// "k6 thresholds" judgement: exit code 99). Only what k6 measures itself can act that way: whole-run
// delivery latency percentiles (k6's delivery_latency Trend, ms) and decrypt failures (k6's
// decrypt_failures Counter). k6 counts every delivered message, the warm-up greetings too.
import { UNIT_SPELLINGS, figureNamed } from "./figure-catalog.ts";
import type { Objective } from "./slo-schema.ts";

export const K6_METRICS: Record<string, { metric: string; aggregate: string }> = {
  "latency.p50": { metric: "delivery_latency", aggregate: "p(50)" },
  "latency.p95": { metric: "delivery_latency", aggregate: "p(95)" },
  "latency.p99": { metric: "delivery_latency", aggregate: "p(99)" },
  "latency.max": { metric: "delivery_latency", aggregate: "max" },
  "messages.decryptFailures": { metric: "decrypt_failures", aggregate: "count" },
};

/** k6 evaluates an aborting threshold only after this long, so the warm-up's few samples cannot stop a run. */
export const ABORT_EVAL_DELAY = "10s";

/** A k6 threshold that stops the run when it fails (k6's object form). */
export interface AbortingThreshold { threshold: string; abortOnFail: true; delayAbortEval: string }

/** k6 thresholds for one scenario of the suite (`name`: its entry name, `kind`: its scenario): its objectives marked abortOnFail. */
export function k6ThresholdsFor(objectives: readonly Objective[], name: string, kind: string): Record<string, AbortingThreshold[]> {
  const out: Record<string, AbortingThreshold[]> = {};
  for (const o of objectives) {
    const k6 = K6_METRICS[o.figure];
    if (!o.abortOnFail || !k6 || o.op === undefined || o.value === undefined) continue;
    if (o.scenario !== undefined && o.scenario !== name && o.scenario !== kind) continue;
    const limit = o.value * UNIT_SPELLINGS[figureNamed(o.figure)!.unit][o.unit ?? "count"];
    (out[k6.metric] ??= []).push({ threshold: `${k6.aggregate}${o.op}${limit}`, abortOnFail: true, delayAbortEval: ABORT_EVAL_DELAY });
  }
  return out;
}
