// The shape every fault kind has: its own settings as a typed schema (validated before a run
// starts) and an inject/heal pair that receives them typed. Heal must be idempotent: the engine may
// call it again on Ctrl-C.
import type { z } from "zod";
import type { Environment } from "../environments/environment.ts";
import type { SettingsSchema } from "./fault-settings.ts";

export type Direction = "upstream" | "downstream" | "both";

/** Envelope fields a kind may honour besides at, for, target and fault. */
export type EnvelopeField = "direction" | "toxicity";

/** Fields every timeline entry may have, whatever its kind. */
export const COMMON_ENVELOPE_FIELDS = ["at", "for", "target", "fault"] as const;

/** Validated settings as the timeline holds them (the schema's output, defaults filled in). */
export type FaultSettings = Readonly<Record<string, number | string>>;

export interface FaultContext<P = FaultSettings> {
  env: Environment;
  /** network path (Toxiproxy proxy) names the fault applies to (empty for relay faults) */
  paths: string[];
  direction: Direction;
  /** share of connections affected, 0..1 */
  toxicity: number;
  params: P;
  /** unique per timeline entry; used to name toxics */
  name: string;
  /** called the moment the inject or heal took effect on one of `paths` (they are applied concurrently) */
  onPathApplied?: (path: string) => void;
}

/** Envelope fields a kind cannot honour under some settings, and why. */
export interface Unhonoured {
  fields: readonly EnvelopeField[];
  because: string;
}

export interface FaultKind<S extends SettingsSchema = SettingsSchema> {
  kind: string;
  summary: string;
  /** "paths": network faults through the environment's network control; "relay": faults of the relay process */
  targets: "paths" | "relay";
  /** its own settings: types, ranges, allowed values, defaults and descriptions */
  params: S;
  /** the envelope fields it honours; validation refuses the others, so nothing is silently ignored */
  envelope: readonly EnvelopeField[];
  /** Settings under which it cannot honour an envelope field it otherwise does (validation refuses the field then), or null. */
  unhonoured?(params: z.output<S>): Unhonoured | null;
  /** it makes its paths unusable (clients must fail over): failover times are measured for it */
  blocksPaths: boolean;
  /**
   * where time to recover counts from: "heal" (the fault ends, service can resume) or "inject"
   * (a crash: the damage is done at once, and the heal is the repair that is part of recovery)
   */
  recoveryFrom: "inject" | "heal";
  inject(ctx: FaultContext<z.output<S>>): Promise<void>;
  heal(ctx: FaultContext<z.output<S>>): Promise<void>;
}

/** Declares a kind with its settings' types inferred from its schema. */
export function defineFaultKind<S extends SettingsSchema>(kind: FaultKind<S>): FaultKind<S> {
  return kind;
}
