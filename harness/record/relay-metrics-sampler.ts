// Samples the relay's /metrics once a second during a scenario: connections, queue depth,
// memory, CPU, messages in. A relay that does not answer (down, frozen) is a sample with up: false.
// A relay under test need not offer /metrics, nor every metric: one that answers /metrics with
// another status is up with metrics: false, and a metric it does not export stays absent, so the
// figures made from it are null (not available), never 0.
import { HttpStatusError } from "../environments/http-get-text.ts";
import type { RelayControl } from "../environments/environment.ts";
import { prometheusValues } from "./prometheus-text.ts";

export interface RelaySample {
  t: number;
  up: boolean;
  /** false: the relay answered, but /metrics gave no Prometheus text (e.g. 404) */
  metrics?: false;
  connections?: number;
  queueDepth?: number;
  rssBytes?: number;
  cpuSeconds?: number;
  messagesIn?: number;
  framesRejected?: number;
}

export interface RelayPeaks {
  samples: number;
  /** samples in which the relay did not answer at all */
  samplesDown: number;
  /** samples in which the relay answered, but not with metrics (its peaks are then null) */
  samplesWithoutMetrics: number;
  peakConnections: number | null;
  peakQueueDepth: number | null;
  peakRssBytes: number | null;
  /** highest CPU use between two samples, in percent of one core */
  peakCpuPercent: number | null;
}

export class RelayMetricsSampler {
  readonly samples: RelaySample[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly relay: RelayControl, private readonly intervalMs = 1000) {}

  start(): void {
    this.timer = setInterval(() => (this.pending = this.sample()), this.intervalMs);
  }

  async stop(): Promise<RelaySample[]> {
    if (this.timer) clearInterval(this.timer);
    await this.pending;
    return this.samples;
  }

  private async sample(): Promise<void> {
    const t = Date.now();
    try {
      const v = prometheusValues(await this.relay.metrics());
      this.samples.push({
        t, up: true, connections: v.get("relay_connections"), queueDepth: v.get("relay_queue_depth"), rssBytes: v.get("process_resident_memory_bytes"),
        cpuSeconds: v.get("process_cpu_seconds_total"), messagesIn: v.get("relay_messages_in_total"), framesRejected: v.get("relay_frames_rejected_total"),
      });
    } catch (error) {
      this.samples.push(error instanceof HttpStatusError ? { t, up: true, metrics: false } : { t, up: false });
    }
  }
}

export function relayPeaks(samples: RelaySample[]): RelayPeaks {
  const up = samples.filter((s) => s.up);
  const peak = (f: (s: RelaySample) => number | undefined) => {
    const values = up.map(f).filter((v): v is number => v !== undefined);
    return values.length ? Math.max(...values) : null;
  };
  let peakCpu: number | null = null;
  for (let i = 1; i < up.length; i++) {
    const [a, b] = [up[i - 1], up[i]];
    if (a.cpuSeconds === undefined || b.cpuSeconds === undefined || b.cpuSeconds < a.cpuSeconds) continue;
    const percent = ((b.cpuSeconds - a.cpuSeconds) / ((b.t - a.t) / 1000)) * 100;
    peakCpu = Math.max(peakCpu ?? 0, Math.round(percent));
  }
  return {
    samples: samples.length, samplesDown: samples.length - up.length, samplesWithoutMetrics: up.filter((s) => s.metrics === false).length, peakConnections: peak((s) => s.connections), peakQueueDepth: peak((s) => s.queueDepth), peakRssBytes: peak((s) => s.rssBytes), peakCpuPercent: peakCpu,
  };
}
