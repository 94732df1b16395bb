// What a scenario ran with: its load and client settings, the server under test, its fault
// timeline, and the record of every inject and heal.
import { z } from "zod";
import { BACKOFF_KINDS, CRYPTO_MODES, NUMBER_SETTINGS, type NumberSetting } from "../../../scenarios/lib/scenario-settings.ts";
import { TARGETS } from "../../targets/target.ts";

const numberSettings = Object.fromEntries(Object.keys(NUMBER_SETTINGS).map((k) => [k, z.number()])) as Record<NumberSetting, z.ZodNumber>;

export const loadSchema = z.strictObject({ ...numberSettings, cryptoMode: z.enum(CRYPTO_MODES), backoff: z.enum(BACKOFF_KINDS) })
  .describe("the scenario's load and client settings (scenarios/lib/scenario-settings.ts)");

export const targetSchema = z.strictObject({
  name: z.enum(TARGETS),
  version: z.string().nullable().describe("what the server reported when it started; null: it never started"),
}).meta({ id: "Target", description: "the server under test" });

export const timelineEntrySchema = z.strictObject({
  index: z.number(),
  atMs: z.number(),
  forMs: z.number().nullable().describe("null: lasts until the end of the run"),
  kind: z.string(),
  target: z.string(),
  paths: z.array(z.string()).describe("Toxiproxy proxy names (empty for relay faults)"),
  direction: z.enum(["upstream", "downstream", "both"]),
  toxicity: z.number(),
  params: z.record(z.string(), z.union([z.number(), z.string()])).describe("the fault's own settings, defaults filled in"),
});

export const faultRecordSchema = z.strictObject({
  event: z.enum(["inject", "heal"]),
  entry: z.number().describe("the timeline entry's index"),
  kind: z.string(),
  target: z.string(),
  requestedAt: z.number(),
  appliedAt: z.number().describe("when it took effect (on several paths: the first)"),
  lastAppliedAt: z.number().optional().describe("on several paths: when the last took effect"),
  ok: z.boolean(),
  error: z.string().optional(),
});
