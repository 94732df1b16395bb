// `load.instances` in summary.json: how many k6 instances carried the load, each one's process,
// exit code, clock and saturation guard, and the residual clock bound of the merged log. The
// scenario's own `generator` is the guard of all instances together (every VU's lag, CPU summed).
import { z } from "zod";
import type { ClientEvent } from "../../../scenarios/lib/client-events.ts";
import { generatorSaturation, lagRecords, type SaturationInput } from "../../analysis/generator-saturation.ts";
import type { ProcessUsageSample } from "../../record/process-usage-sampler.ts";
import type { MergedClock } from "./clock-correction.ts";
import { executionSegmentArgs } from "./execution-segment-args.ts";

/** What the load drive knows of one instance when k6 is done. */
export interface InstanceRun {
  index: number;
  pid: number | null;
  exitCode: number | null;
  /** its own records, on its own clock */
  events: ClientEvent[];
  usage: ProcessUsageSample[];
}

const saturationSchema = z.strictObject({
  measured: z.boolean(), saturated: z.boolean(), inMeasuredWindow: z.boolean(), spans: z.number(),
  peakCpuCores: z.number().nullable(), peakLagMs: z.number().nullable(),
}).describe("the saturation guard on this instance alone");

export const loadInstancesSchema = z.strictObject({
  count: z.number().describe("k6 processes (--segments)"),
  sequence: z.string().describe("--execution-segment-sequence, the same for every instance"),
  clock: z.strictObject({
    reference: z.number().describe("the instance whose clock the merged event log uses"),
    residualBoundMs: z.number().nullable().describe("every merged time is within this of the reference clock (null: an instance could not measure its clock)"),
    faults: z.strictObject({
      stampedBy: z.literal("collector"),
      measured: z.strictObject({ offsetMs: z.number(), boundMs: z.number(), samples: z.number() }).nullable().describe("the relay's clock minus the collector's, +- boundMs (null: not measured)"),
      correctionMs: z.number().describe("added to every fault time"),
      residualBoundMs: z.number().nullable().describe("every fault time is within this of the reference clock (null: unknown, see why)"),
      why: z.string().optional(),
    }).optional().describe("fault records stamped on another clock than the reference's (the k6-operator's collector), moved onto it"),
  }),
  runners: z.array(z.strictObject({
    index: z.number(),
    segment: z.string().describe("--execution-segment"),
    pid: z.number().nullable(),
    exitCode: z.number().nullable(),
    clock: z.strictObject({ offsetMs: z.number(), boundMs: z.number(), samples: z.number() }).nullable().describe("the server's clock minus this instance's, +- boundMs (null: not measured)"),
    correctionMs: z.number().describe("added to this instance's times in the merged log"),
    residualBoundMs: z.number().nullable(),
    saturation: saturationSchema,
  })),
}).describe("the k6 instances that carried the load (--segments)");

export type LoadInstances = z.infer<typeof loadInstancesSchema>;

/** The run's timing as the scenario's own guard reads it (analyse-scenario.ts): its start and phases. */
export interface GuardTiming { startedAt: number | null; warmupS: number; durationS: number; drainS: number; machineCores: number; delivered: number }

export function loadInstances(runs: readonly InstanceRun[], clock: MergedClock, timing: GuardTiming): LoadInstances {
  const count = runs.length;
  const sendFrom = (timing.startedAt ?? Date.now()) + timing.warmupS * 1000;
  const guard: Omit<SaturationInput, "lag" | "cpu"> = {
    machineCores: timing.machineCores, origin: timing.startedAt, delivered: timing.delivered,
    measuredWindow: { from: sendFrom, to: sendFrom + (timing.durationS + timing.drainS) * 1000 },
  };
  return {
    count,
    sequence: executionSegmentArgs(0, count)[1].split("=")[1],
    clock: { reference: clock.reference, residualBoundMs: clock.residualBoundMs, ...(clock.faults ? { faults: clock.faults } : {}) },
    runners: runs.map((r) => {
      const g = generatorSaturation({ ...guard, lag: lagRecords(r.events), cpu: r.usage });
      const c = clock.corrections[r.index];
      return {
        index: r.index, segment: executionSegmentArgs(r.index, count)[0].split("=")[1], pid: r.pid, exitCode: r.exitCode,
        clock: c?.measured ?? null, correctionMs: c?.correctionMs ?? 0, residualBoundMs: c?.residualBoundMs ?? null,
        saturation: { measured: g.measured, saturated: g.saturated, inMeasuredWindow: g.inMeasuredWindow, spans: g.spans.length, peakCpuCores: g.peakCpuCores, peakLagMs: g.peakLagMs },
      };
    }),
  };
}
