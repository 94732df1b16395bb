// The analysis and recording modules declare the types of what they compute; summary.json holds
// those values as they are. These compile-time checks make `npm run typecheck` fail when a
// producer's type and the schema's part differ (a field added, dropped or retyped on one side only).
import type { z } from "zod";
import type { FailoverTimes } from "../../analysis/failover-times.ts";
import type { FaultRecovery } from "../../analysis/fault-recovery.ts";
import type { DropsWithoutFault } from "../../analysis/drops-without-fault.ts";
import type { PathShareSample } from "../../analysis/connection-timeline.ts";
import type { GeneratorSaturation } from "../../analysis/generator-saturation.ts";
import type { KindFigures, PhaseFigures } from "../../analysis/message-kinds.ts";
import type { Percentiles } from "../../analysis/percentiles.ts";
import type { RecoveryBand } from "../../analysis/recovery-band.ts";
import type { CheckResult } from "../../checks/check-result.ts";
import type { BacklogFigures } from "../../load/preload-backlog.ts";
import type { RelayPeaks } from "../../record/relay-metrics-sampler.ts";
import type { RelayStartup } from "../../record/relay-startups.ts";
import type { ServerUsageFigures } from "../../record/server-usage-sampler.ts";
import type { LoadShape } from "../../suites/scenario-plan.ts";
import type { TargetIdentity } from "../../targets/target.ts";
import type { FaultRecord } from "../../timeline/fault-timeline.ts";
import type { TimelineEntry } from "../../timeline/timeline-entry.ts";
import type { dropsWithoutFaultSchema, kindFiguresSchema, pathShareSampleSchema, phaseFiguresSchema, recoveryBandSchema } from "./figures-schema.ts";
import type { failoverSchema, faultRecoverySchema } from "./fault-window-schema.ts";
import type { backlogSchema, generatorSaturationSchema, relayPeaksSchema, relayStartupSchema, serverUsageSchema } from "./measurements-schema.ts";
import type { percentilesSchema } from "./percentiles-schema.ts";
import type { faultRecordSchema, loadSchema, targetSchema, timelineEntrySchema } from "./plan-schema.ts";
import type { checkResultSchema } from "./scenario-result-schema.ts";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Agree<Schema extends z.ZodType, Producer> = Same<z.infer<Schema>, Producer>;
/** the producer's values fit the schema (the schema may declare a field the producer does not write yet) */
type Fits<Schema extends z.ZodType, Producer> = [Producer] extends [z.infer<Schema>] ? true : false;

export const PRODUCERS_AGREE: [
  Agree<typeof percentilesSchema, Percentiles>,
  Agree<typeof loadSchema, LoadShape>,
  Agree<typeof targetSchema, TargetIdentity>,
  Agree<typeof timelineEntrySchema, TimelineEntry>,
  Fits<typeof faultRecordSchema, FaultRecord>,
  Agree<typeof recoveryBandSchema, RecoveryBand>,
  Agree<typeof dropsWithoutFaultSchema, DropsWithoutFault>,
  Agree<typeof pathShareSampleSchema, PathShareSample>,
  Agree<typeof kindFiguresSchema, KindFigures>,
  Agree<typeof phaseFiguresSchema, PhaseFigures>,
  Agree<typeof faultRecoverySchema, FaultRecovery>,
  Agree<typeof failoverSchema, FailoverTimes>,
  Agree<typeof relayPeaksSchema, RelayPeaks>,
  Agree<typeof relayStartupSchema, RelayStartup>,
  Agree<typeof backlogSchema, BacklogFigures>,
  Agree<typeof serverUsageSchema, ServerUsageFigures>,
  Agree<typeof generatorSaturationSchema, GeneratorSaturation>,
  Agree<typeof checkResultSchema, CheckResult>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
