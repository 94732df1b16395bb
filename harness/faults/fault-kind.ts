// The shape every fault kind has: its own settings (validated before a run starts) and an
// inject/heal pair. Heal must be idempotent: the engine may call it again on Ctrl-C.
import type { Environment } from "../environments/environment.ts";

export interface ParamSpec {
  type: "number" | "string";
  description: string;
  default?: number | string;
  min?: number;
  max?: number;
  allowed?: readonly string[];
}

export type Direction = "upstream" | "downstream" | "both";

/** Envelope fields a kind may honour besides at, for, target and fault. */
export type EnvelopeField = "direction" | "toxicity";

/** Fields every timeline entry may have, whatever its kind. */
export const COMMON_ENVELOPE_FIELDS = ["at", "for", "target", "fault"] as const;

export interface FaultContext {
  env: Environment;
  /** Toxiproxy proxy names the fault applies to (empty for relay faults) */
  paths: string[];
  direction: Direction;
  /** share of connections affected, 0..1 */
  toxicity: number;
  params: Record<string, number | string>;
  /** unique per timeline entry; used to name toxics */
  name: string;
}

export interface FaultKind {
  kind: string;
  summary: string;
  /** "paths": network faults through Toxiproxy; "relay": faults of the relay process */
  targets: "paths" | "relay";
  params: Record<string, ParamSpec>;
  /** the envelope fields it honours; validation rejects the others, so nothing is silently ignored */
  envelope: readonly EnvelopeField[];
  /**
   * Settings under which it cannot honour an envelope field it otherwise does: the field, and why
   * (validation refuses the field then), or null.
   */
  unhonoured?(params: Record<string, number | string>): { fields: readonly EnvelopeField[]; because: string } | null;
  /** it makes its paths unusable (clients must fail over): failover times are measured for it */
  blocksPaths: boolean;
  /**
   * where time to recover counts from: "heal" (the fault ends, service can resume) or "inject"
   * (a crash: the damage is done at once, and the heal is the repair that is part of recovery)
   */
  recoveryFrom: "inject" | "heal";
  inject(ctx: FaultContext): Promise<void>;
  heal(ctx: FaultContext): Promise<void>;
}
