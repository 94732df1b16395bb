// One line of a fault timeline, as written (the envelope: when, how long, where, which direction,
// how much) and as validated (times in ms, the fault's own settings completed with defaults).
import type { Direction, FaultSettings } from "../faults/fault-kind.ts";

export interface TimelineEntryInput {
  at: string | number;
  for?: string | number;
  target: string;
  direction?: Direction;
  toxicity?: number;
  fault: { kind: string; [setting: string]: unknown };
}

export interface TimelineEntry {
  index: number;
  atMs: number;
  /** null: lasts until the end of the run */
  forMs: number | null;
  kind: string;
  target: string;
  /** Toxiproxy proxy names (empty for relay faults) */
  paths: string[];
  direction: Direction;
  toxicity: number;
  /** the fault's own settings, as its kind's schema made them */
  params: FaultSettings;
}
