// One fault's effect (harness/analysis/scenario-figures.ts): messages before, during and after its
// window, how and how fast delivery recovered, and for path faults how users failed over.
// Windows and blame are defined in harness/analysis/fault-windows.ts.
import { z } from "zod";
import { percentilesSchema } from "./percentiles-schema.ts";

export const windowFiguresSchema = z.strictObject({
  from: z.number(), to: z.number(), sent: z.number(), delivered: z.number(), latencyMs: percentilesSchema,
}).meta({ id: "WindowFigures", description: "messages sent in [from, to): how many, how many arrived, and how fast" });

export const recoverySchema = z.discriminatedUnion("recovered", [
  z.strictObject({ recovered: z.literal(true), ttrMs: z.number(), recoveredAt: z.number(), p95LimitMs: z.number() }),
  z.strictObject({ recovered: z.literal(false), reason: z.string(), bestSuccessRate: z.number().nullable(), bestP95Ms: z.number().nullable(), p95LimitMs: z.number().nullable() }),
]).describe("time to recover, resolved to recoveryBand.stepMs: delivery success and p95 back within the band, held for holdMs");

export const faultRecoverySchema = z.strictObject({
  referenceAt: z.number(),
  reference: z.enum(["heal", "inject"]).describe("what time to recover counts from: the heal, or the inject for kinds that recover from it (a crash)"),
  recovery: recoverySchema,
  usersBack99Ms: z.number().nullable().describe("ms from the reference until 99% of users are connected again (null: never)"),
  backlog: z.strictObject({ sent: z.number(), undelivered: z.number(), drainMs: z.number().nullable() })
    .describe("messages of the window sent before its heal, and from the heal until the last of them was delivered"),
  peakReconnectsPerS: z.number(),
  peakConnectAttemptsPerS: z.number(),
  failedAttempts: z.number(),
  messages: z.strictObject({ lostAfterAck: z.number(), duplicates: z.number(), neverAcked: z.number() }).describe("blamed on this window"),
});

export const failoverSchema = z.strictObject({
  affectedUsers: z.number().describe("users connected through a blocked path when the block began"),
  failoverMs: percentilesSchema.describe("from the block to a login through an open path, for the users who made it"),
  stranded: z.number().describe("affected users still without an open path when the block ended"),
});

export const faultWindowFiguresSchema = z.strictObject({
  entry: z.number(),
  kind: z.string(),
  target: z.string(),
  injectedAt: z.number().nullable(),
  healedAt: z.number().nullable(),
  before: windowFiguresSchema.describe("the baseline: from the end of warm-up (or sessions up) to the first fault"),
  during: windowFiguresSchema.nullable(),
  after: windowFiguresSchema.nullable().describe("from the window's end to the next fault; null: never healed"),
  recovery: faultRecoverySchema,
  failover: failoverSchema.nullable().describe("path blocks only"),
});

export type WindowFigures = z.infer<typeof windowFiguresSchema>;
export type FaultWindowFigures = z.infer<typeof faultWindowFiguresSchema>;
