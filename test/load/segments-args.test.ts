import { describe, expect, it } from "vitest";
import { executionSegmentArgs, segmentSequence } from "../../harness/load/segments/execution-segment-args.ts";

describe("executionSegmentArgs", () => {
  it("writes the k6-operator's flags for two runners", () => {
    expect(executionSegmentArgs(0, 2)).toEqual(["--execution-segment=0:1/2", "--execution-segment-sequence=0,1/2,1"]);
    expect(executionSegmentArgs(1, 2)).toEqual(["--execution-segment=1/2:1", "--execution-segment-sequence=0,1/2,1"]);
  });

  it("never reduces fractions, as the operator writes them", () => {
    expect(executionSegmentArgs(1, 4)).toEqual(["--execution-segment=1/4:2/4", "--execution-segment-sequence=0,1/4,2/4,3/4,1"]);
    expect(executionSegmentArgs(3, 4)[0]).toBe("--execution-segment=3/4:1");
  });

  it("gives one runner the whole test", () => {
    expect(executionSegmentArgs(0, 1)).toEqual(["--execution-segment=0:1", "--execution-segment-sequence=0,1"]);
  });

  it("gives every runner the same sequence", () => {
    const sequences = new Set(Array.from({ length: 7 }, (_, i) => executionSegmentArgs(i, 7)[1]));
    expect([...sequences]).toEqual([`--execution-segment-sequence=${segmentSequence(7)}`]);
  });

  it("refuses an index outside the count", () => {
    expect(() => executionSegmentArgs(2, 2)).toThrow(/index/);
    expect(() => executionSegmentArgs(-1, 2)).toThrow(/index/);
    expect(() => executionSegmentArgs(0, 0)).toThrow(/count/);
  });
});
