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

const KINDS: readonly FaultKind[] = [latency, bandwidth, slicer, reset, blackhole, relayRestart, relayCrash, relayPause];

export const FAULT_KINDS: Readonly<Record<string, FaultKind>> = Object.fromEntries(KINDS.map((k) => [k.kind, k]));
