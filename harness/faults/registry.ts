// Every fault kind the timeline may name, in one explicit map.
import { bandwidth } from "./bandwidth.ts";
import { blackhole } from "./blackhole.ts";
import type { FaultKind } from "./fault-kind.ts";
import { latency } from "./latency.ts";
import { relayCrash } from "./relay-crash.ts";
import { relayPause } from "./relay-pause.ts";
import { relayRestart } from "./relay-restart.ts";
import { reset } from "./reset.ts";
import { slicer } from "./slicer.ts";

export const FAULT_KINDS: Readonly<Record<string, FaultKind>> = Object.fromEntries(
  [latency, bandwidth, slicer, reset, blackhole, relayRestart, relayCrash, relayPause].map((k) => [k.kind, k]),
);
