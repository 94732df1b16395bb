// HTTP on the listeners: /healthz (required on every listener) and /metrics (optional).
import { httpGetText } from "../environments/http-get-text.ts";
import type { ConformanceCheck } from "./check.ts";

export const healthzEveryListener: ConformanceCheck = {
  name: "healthz-every-listener",
  expected: "GET /healthz answers 200 on every listener (every network path)",
  async run(ctx) {
    const answers = await Promise.all(
      ctx.httpUrls.map(async (base) => {
        try {
          return (await httpGetText(`${base}/healthz`, { timeoutMs: 2000 })).status;
        } catch (error) {
          return `no answer (${(error as Error).message})`;
        }
      }),
    );
    const ok = answers.every((a) => a === 200);
    return { ok, measured: `${answers.filter((a) => a === 200).length}/${answers.length} paths answered 200${ok ? "" : `: ${answers.join(", ")}`}` };
  },
};

const METRIC_NAMES = ["relay_connections", "relay_queue_depth", "relay_messages_in_total", "relay_frames_rejected_total", "process_resident_memory_bytes", "process_cpu_seconds_total"];

export const metricsOptional: ConformanceCheck = {
  name: "metrics-optional",
  expected: "optional: GET /metrics 200 with Prometheus text; absent is reported, not a failure",
  async run(ctx) {
    const { status, body } = await httpGetText(`${ctx.httpUrls[0]}/metrics`, { timeoutMs: 2000 });
    if (status !== 200) return { ok: true, notAvailable: true, measured: `not available (HTTP ${status})` };
    const present = METRIC_NAMES.filter((name) => new RegExp(`^${name}(\\{| )`, "m").test(body));
    const missing = METRIC_NAMES.filter((n) => !present.includes(n));
    return { ok: true, measured: `200, ${present.length}/${METRIC_NAMES.length} figures the harness reads${missing.length ? ` (without ${missing.join(", ")})` : ""}` };
  },
};
