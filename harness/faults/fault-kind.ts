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
  inject(ctx: FaultContext): Promise<void>;
  heal(ctx: FaultContext): Promise<void>;
}
