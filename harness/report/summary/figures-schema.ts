// A scenario's headline figures (harness/analysis/scenario-figures.ts), computed from the recorded data only.
import { z } from "zod";
import { faultWindowFiguresSchema } from "./fault-window-schema.ts";
import { percentilesSchema } from "./percentiles-schema.ts";
import { surgeFiguresSchema } from "../../analysis/surge/surge-figures-schema.ts";

export const messageCountsSchema = z.strictObject({
  sent: z.number(),
  acked: z.number(),
  delivered: z.number(),
  lostAfterAck: z.number().describe("acknowledged by the server and never delivered to a recipient still there to get it (the lost checker's count): the one loss that must not happen"),
  neverAcked: z.number().describe("never acknowledged, refusals included, whose sender was still there to be told (surge: not a newcomer that ended its session within lateMs of sending)"),
  duplicates: z.number().describe("extra arrivals of any kind (redeliveries on the wire + extra showings to the user)"),
  redeliveredOnWire: z.number().describe("arrivals the client's dedupe dropped (expected of an at-least-once relay)"),
  decryptFailures: z.number(),
  rejected: z.number(),
}).describe("every message, the warm-up greetings included");

export const baselineSchema = z.strictObject({
  successRate: z.number().nullable(),
  p95Ms: z.number().nullable(),
  from: z.number(),
  to: z.number(),
  sent: z.number(),
  startsAt: z.enum(["warm-up end", "sessions up"]),
  excludes: z.string(),
}).describe("the steady phase before the first fault: what recovery is measured against");

export const recoveryBandSchema = z.strictObject({
  minSuccess: z.number(), maxP95Factor: z.number(), p95FloorMs: z.number(), holdMs: z.number(),
  bucketMs: z.number(), stepMs: z.number(), settleMs: z.number(), lateMs: z.number(),
}).describe("what 'recovered' means (harness/analysis/recovery-band.ts)");

export const dropsWithoutFaultSchema = z.strictObject({
  count: z.number(),
  byPath: z.record(z.string(), z.number()),
  byReason: z.record(z.string(), z.number()),
  first: z.strictObject({ t: z.number(), user: z.number(), path: z.string(), reason: z.string() }).nullable(),
}).describe("connections dropped outside every fault window");

export const connectionsSchema = z.strictObject({
  drops: z.number(), failovers: z.number(), failedAttempts: z.number(), backoffs: z.number(), dropsWithoutFault: dropsWithoutFaultSchema,
});

export const pathShareSampleSchema = z.strictObject({ t: z.number(), connected: z.number(), byPath: z.record(z.string(), z.number()) })
  .describe("once a second over the sending window: users connected, and through which path");

export const kindFiguresSchema = z.strictObject({
  sent: z.number(),
  delivered: z.number(),
  lostAfterAck: z.number(),
  peakSentPerS: z.number().describe("most messages of this kind sent within one second"),
  latencyMs: percentilesSchema,
}).meta({ id: "KindFigures", description: "messages of one kind (tag)" });

export const phaseFiguresSchema = z.strictObject({ name: z.string(), from: z.number(), to: z.number(), byTag: z.record(z.string(), kindFiguresSchema) });

export const scenarioFiguresSchema = z.strictObject({
  messages: messageCountsSchema,
  deliveryLatencyMs: percentilesSchema.describe("the warm-up greetings excluded"),
  baseline: baselineSchema,
  recoveryBand: recoveryBandSchema,
  connections: connectionsSchema,
  windows: z.array(faultWindowFiguresSchema).describe("one per injected fault, in order of injection"),
  pathShare: z.array(pathShareSampleSchema),
  byTag: z.record(z.string(), kindFiguresSchema).describe("per kind of message the scenario sent (chat, chain, ...)"),
  phases: z.array(phaseFiguresSchema).describe("per phase the scenario announced (empty when it announced none)"),
  surge: surgeFiguresSchema.optional().describe("scenario surge only"),
});

export type ScenarioFigures = z.infer<typeof scenarioFiguresSchema>;
