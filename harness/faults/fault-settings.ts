// A fault kind's own settings as a typed schema (zod), as a Toxiproxy toxic is a typed struct: each
// setting says its type, its range or allowed values, its default and what it means. The timeline is
// validated with it, and the kind's inject/heal receive its output, typed.
import { z } from "zod";

/** The schema of a kind's settings: a strict object (an unknown setting is refused), every field with a description. */
export type SettingsSchema = z.ZodObject<Record<string, z.ZodType>, z.core.$strict>;

/** A number setting within [min, max], `fallback` when the entry leaves it out. */
export function numberSetting(description: string, range: { min: number; max: number }, fallback: number) {
  return z.number().min(range.min).max(range.max).default(fallback).describe(description);
}

/** One of `allowed`, `fallback` when the entry leaves it out. */
export function choiceSetting<const T extends readonly [string, ...string[]]>(description: string, allowed: T, fallback: T[number]) {
  return z.enum(allowed).default(fallback as never).describe(description);
}

/** A kind without settings of its own. */
export const NO_SETTINGS = z.strictObject({});

export function settingNames(schema: SettingsSchema): string[] {
  return Object.keys(schema.shape);
}

/** What a setting allows, for an error or a listing: "a number from 0 to 600000 (added delay in milliseconds)", "refuse, reset_peer". */
export function describeAllowed(setting: z.ZodType): string {
  const inner = unwrapDefault(setting);
  const description = setting.description ?? inner.description;
  if (inner instanceof z.ZodNumber) return `a number from ${inner.minValue ?? "-inf"} to ${inner.maxValue ?? "inf"}${description ? ` (${description})` : ""}`;
  if (inner instanceof z.ZodEnum) return inner.options.join(", ");
  return description ?? "see the fault kind";
}

/** The setting's description and default, when it has them. */
export function describeSetting(setting: z.ZodType): { description: string; default?: unknown } {
  const description = setting.description ?? unwrapDefault(setting).description ?? "";
  return setting instanceof z.ZodDefault ? { description, default: setting.def.defaultValue } : { description };
}

function unwrapDefault(setting: z.ZodType): z.ZodType {
  return setting instanceof z.ZodDefault ? (setting.unwrap() as z.ZodType) : setting;
}
