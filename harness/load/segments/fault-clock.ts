// The fault records on the merged clock. A local run's faults are stamped by the harness on the
// machine of instance 0, whose clock the merged log uses. The k6-operator's collector stamps them on
// its own node's clock, so it measures its offset to the relay as every runner does
// (collect/collector-clock.ts), and its records move onto instance 0's clock by the same rule as an
// instance's (clock-correction.ts): the offsets' difference when it exceeds the bounds' sum, which
// is then the residual bound of every fault time.
import type { ClockEstimate } from "../../../scenarios/lib/clock-estimate.ts";
import type { FaultRecord } from "../../timeline/fault-timeline.ts";
import { relativeCorrection, type ClockRecord } from "./clock-correction.ts";

/** `load.instances.clock.faults` in summary.json. */
export interface FaultClock {
  /** who stamped the fault records */
  stampedBy: "collector";
  /** the relay's clock minus the stamper's (null: not measured) */
  measured: ClockEstimate | null;
  /** added to every fault time */
  correctionMs: number;
  /** how far the corrected fault times can be from the merged clock, ms (null: unknown) */
  residualBoundMs: number | null;
  /** why residualBoundMs is unknown */
  why?: string;
}

/** `faults` stamped on a clock measured as `stamper`, moved onto the clock of instance 0 (`reference`). */
export function faultsOnMergedClock(faults: readonly FaultRecord[], reference: ClockRecord | null, stamper: ClockEstimate | null, unmeasured: string): { faults: FaultRecord[]; clock: FaultClock } {
  const { correctionMs, residualBoundMs } = relativeCorrection(reference, stamper);
  const why = !stamper ? `the collector did not measure its clock (${unmeasured})` : !reference ? "runner 1 did not measure its clock" : undefined;
  const moved = correctionMs === 0 ? [...faults] : faults.map((f) => ({
    ...f, requestedAt: f.requestedAt + correctionMs, appliedAt: f.appliedAt + correctionMs, lastAppliedAt: f.lastAppliedAt + correctionMs,
  }));
  return { faults: moved, clock: { stampedBy: "collector", measured: stamper, correctionMs, residualBoundMs, ...(why ? { why } : {}) } };
}
