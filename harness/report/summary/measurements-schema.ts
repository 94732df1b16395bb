// What was measured beside the messages: the relay's /metrics peaks and start-ups, the stored
// backlog, the server under test's own CPU and memory, and the load generator's saturation guard.
import { z } from "zod";

const orNull = () => z.number().nullable();

export const relayPeaksSchema = z.strictObject({
  samples: z.number(),
  samplesDown: z.number().describe("samples in which the relay did not answer at all"),
  samplesWithoutMetrics: z.number().describe("samples in which the relay answered, but not with metrics (its peaks are then null)"),
  peakConnections: orNull(),
  peakQueueDepth: orNull(),
  peakRssBytes: orNull(),
  peakCpuPercent: orNull().describe("highest CPU use between two samples, in percent of one core"),
}).describe("the relay's /metrics once a second; a peak whose metric the relay does not export is null, never 0");

export const relayStartupSchema = z.strictObject({ time: z.string().nullable().describe("ISO 8601"), startupMs: orNull(), replayMs: orNull(), queuedLoaded: orNull() })
  .describe("one start of the relay (its relay_started log line; a field left out is null)");

export const backlogSchema = z.strictObject({
  messages: z.number().describe("messages stored (acknowledged by the server)"),
  recipients: z.number(),
  loadMs: z.number(),
  perSecond: z.number(),
  refused: z.string().optional().describe("the server refused to store more: what it answered"),
}).describe("the stored backlog preloaded before the scenario");

export const serverUsageSchema = z.strictObject({
  samples: z.number().describe("intervals with a figure"),
  readingsDown: z.number().describe("readings in which the server gave no figures (down, or its usage could not be read)"),
  cpuCoresPeak: orNull().describe("highest CPU over one interval, cores"),
  cpuCoresMean: orNull().describe("CPU over every sampled interval together, cores"),
  cpuSeconds: orNull().describe("CPU seconds over the sampled intervals (counted from the server's latest start)"),
  rssMbPeak: orNull().describe("highest resident memory, MB"),
  note: z.string().nullable().describe("why the figures are null, when they are (never 0)"),
}).describe("the server under test's own CPU and memory (server-usage.jsonl), whatever the target");

export const saturationSpanSchema = z.strictObject({
  from: z.number(),
  to: z.number(),
  fromS: z.number().describe("seconds since the k6 scenario's start"),
  toS: z.number(),
  reason: z.string().describe("what exceeded its threshold, with the worst value in the span"),
  peakLagMs: orNull(),
  peakCpuCores: orNull(),
  meanMachineBusyCores: orNull(),
  inMeasuredWindow: z.boolean().describe("the span overlaps the measured window (end of warm-up to end of drain)"),
});

export const generatorSaturationSchema = z.strictObject({
  measured: z.boolean().describe("false when there were neither lag records nor CPU samples"),
  note: z.string().nullable(),
  saturated: z.boolean().describe("any span (when measured is false: unknown, not fine)"),
  inMeasuredWindow: z.boolean().describe("a span overlaps the measured window: the run cannot pass"),
  spans: z.array(saturationSpanSchema).describe("consecutive saturated seconds merged"),
  thresholds: z.strictObject({ maxLateMs: z.number(), maxCpuFraction: z.number() }),
  machineCores: z.number().describe("os.availableParallelism()"),
  lagRecords: z.number(),
  cpuSamples: z.number(),
  peakCpuCores: orNull().describe("k6's highest CPU in one second, cores"),
  meanCpuCores: orNull().describe("k6's CPU over all samples, time-weighted, cores"),
  peakLagMs: orNull().describe("the worst tick lateness of any VU"),
  peakRssMb: orNull().describe("k6's highest resident memory, MB"),
  k6CpuSecondsTotal: orNull().describe("k6's CPU (user + system) from its start to the last sample (the last second before it exits is not seen)"),
  k6CpuUsPerDeliveredMessage: orNull().describe("k6CpuSecondsTotal per delivered message (first deliveries), microseconds, start-up included"),
}).describe("the saturation guard: seconds in which k6 itself could not keep up (timer lag, CPU)");
