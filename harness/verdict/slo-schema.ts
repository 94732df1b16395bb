// The SLO file format (JSON), as a zod schema: the loader validates with it and `slo --schema`
// exports it as JSON Schema for editors. Names of figures, phases, fault kinds and units come from
// the code (figure-catalog.ts, faults/registry.ts), so the schema cannot drift from the harness.
import { z } from "zod";
import { FAULT_KINDS } from "../faults/registry.ts";
import { FAULT_WINDOW_PARTS, FIGURES, PHASES, UNIT_SPELLINGS, figureNamed } from "./figure-catalog.ts";
import { K6_METRICS } from "./k6-thresholds.ts";

export const COMPARISONS = ["<=", "<", ">=", ">", "=="] as const;
export type Comparison = (typeof COMPARISONS)[number];
const ALL_UNITS = [...new Set(Object.values(UNIT_SPELLINGS).flatMap((u) => Object.keys(u)))];

export const objectiveSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe("shown in the result table, verdict.json and junit.xml; default: made from the figure and limit"),
    scenario: z.string().min(1).optional().describe("a scenario entry name of the suite or a scenario kind; default: every scenario"),
    phase: z.enum(PHASES).optional().describe("phase the figure is measured over (default whole); not with fault"),
    fault: z.enum(Object.keys(FAULT_KINDS) as [string, ...string[]]).optional().describe("measure in the window of each fault of this kind"),
    window: z.enum(FAULT_WINDOW_PARTS).optional().describe("with fault: while it lasted (during, default) or after its heal"),
    figure: z.enum(FIGURES.map((f) => f.name) as [string, ...string[]]).describe("a figure from `npm run chaos -- slo --list`"),
    op: z.enum(COMPARISONS).optional(),
    value: z.number().finite().optional(),
    unit: z.enum(ALL_UNITS as [string, ...string[]]).optional().describe("ms or s for times, % or ratio for shares, count for counts, cores for CPU, MB or GB for memory"),
    maxRegression: z.string().regex(/^\d+(\.\d+)?%$/, "must be a percentage like \"10%\"").optional().describe("relative to --baseline: no more than this much worse"),
    abortOnFail: z.boolean().optional().describe("also a k6 threshold with abortOnFail: k6 stops the run as soon as it fails (whole-run latency.* and messages.decryptFailures with op and value); the harness judges it either way"),
  })
  .superRefine((o, ctx) => {
    const figure = figureNamed(o.figure);
    if (!figure) return;
    const absolute = o.op !== undefined || o.value !== undefined;
    if (absolute && o.maxRegression !== undefined) ctx.addIssue({ code: "custom", path: ["maxRegression"], message: "give either op and value, or maxRegression, not both" });
    if (!absolute && o.maxRegression === undefined) ctx.addIssue({ code: "custom", path: ["op"], message: `an objective needs op and value (allowed op: ${COMPARISONS.join(", ")}) or maxRegression` });
    if (absolute && (o.op === undefined || o.value === undefined)) ctx.addIssue({ code: "custom", path: [o.op === undefined ? "op" : "value"], message: `op and value go together (allowed op: ${COMPARISONS.join(", ")}; value: a number)` });
    const spellings = Object.keys(UNIT_SPELLINGS[figure.unit]);
    if (o.unit !== undefined && !spellings.includes(o.unit)) ctx.addIssue({ code: "custom", path: ["unit"], message: `'${o.unit}' is not a unit of ${o.figure} (a ${figure.unit} figure); allowed: ${spellings.join(", ")}` });
    if (absolute && o.unit === undefined && figure.unit !== "count") ctx.addIssue({ code: "custom", path: ["unit"], message: `${o.figure} is a ${figure.unit} figure: say its unit; allowed: ${spellings.join(", ")}` });
    if (o.fault !== undefined && o.phase !== undefined) ctx.addIssue({ code: "custom", path: ["phase"], message: "give either phase or fault, not both" });
    if (o.window !== undefined && o.fault === undefined) ctx.addIssue({ code: "custom", path: ["window"], message: "window needs fault (the fault kind whose window it is)" });
    if (o.abortOnFail && (!(o.figure in K6_METRICS) || !absolute || o.fault !== undefined || (o.phase ?? "whole") !== "whole")) {
      ctx.addIssue({ code: "custom", path: ["abortOnFail"], message: `abortOnFail needs a figure k6 measures during the run, over the whole run, with op and value; allowed figures: ${Object.keys(K6_METRICS).join(", ")}` });
    }
    const scope = o.fault !== undefined ? "fault" : "phase";
    if (!figure.scopes.includes(scope)) ctx.addIssue({ code: "custom", path: [scope === "fault" ? "fault" : "figure"], message: `${o.figure} is measured ${figure.scopes.map((s) => (s === "fault" ? "in a fault window (give fault)" : "over a phase")).join(" or ")}, not ${scope === "fault" ? "in a fault window" : "over a phase"}` });
  });

export const sloSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  unknown: z.enum(["fail", "pass"]).default("fail").describe("what an unknown result (nothing measured, a checker that crashed) does to the gate; default fail"),
  allowUnknown: z.array(z.strictObject({
    judgement: z.string().min(1).describe("the name of a check or objective as verdict.json shows it, e.g. privacy"),
    scenario: z.string().min(1).optional().describe("only in this scenario (default: every scenario)"),
    reason: z.string().min(1).describe("why an unknown result here may pass the gate"),
  })).default([]).describe("unknown results that do not fail the gate, each with its reason (a narrower choice than \"unknown\": \"pass\")"),
  objectives: z.array(objectiveSchema),
});

export type Objective = z.infer<typeof objectiveSchema>;
export type SloFile = z.infer<typeof sloSchema>;

/** The JSON Schema of an SLO file, for editors (`"$schema": "./slo.schema.json"`). */
export function sloJsonSchema(): object {
  return z.toJSONSchema(sloSchema, { io: "input" });
}
