import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { LiveStats } from "../../harness/progress/live-stats.ts";
import { progressLine, type ProgressState } from "../../harness/progress/progress-line.ts";

const T0 = 1_700_000_000_000;
const state = (over: Partial<ProgressState>): ProgressState => ({ scenario: "steady", startedAt: T0, totalS: 75, activeFaults: [], users: 100, stats: new LiveStats(), ...over });

describe("the progress line", () => {
  it("shows k6's CPU and, beside it, the whole machine's, so a full machine is seen while the run goes on", () => {
    const cores = availableParallelism();
    expect(progressLine(state({ k6CpuCores: 0.62, machineBusyCores: cores + 0.03 }), T0 + 41_000)).toMatch(new RegExp(`^\\[steady\\] 00:41/01:15 \\| faults: none \\| .* \\| k6 CPU 0\\.6/${cores}, machine ${cores}\\.0/${cores}$`));
    expect(progressLine(state({ k6CpuCores: 0.62 }), T0)).toMatch(new RegExp(`\\| k6 CPU 0\\.6/${cores}$`));
    expect(progressLine(state({}), T0)).not.toMatch(/CPU|machine/);
  });
});
