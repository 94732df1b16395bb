import { describe, expect, it } from "vitest";
import { InputError } from "../../harness/errors.ts";
import { k6RunnerArgs } from "../../harness/load/run-k6.ts";
import { MAX_SEGMENTS, parseRunFlags } from "../../harness/run/run-flags.ts";
import { runChaos } from "../support/run-chaos.ts";

describe("--segments", () => {
  it("defaults to one k6 and takes a whole number up to the limit", () => {
    expect(parseRunFlags([]).segments).toBe(1);
    expect(parseRunFlags(["--segments", "3"]).segments).toBe(3);
    expect(parseRunFlags([`--segments=${MAX_SEGMENTS}`]).segments).toBe(MAX_SEGMENTS);
  });

  it("refuses anything else, naming the flag and what is allowed", () => {
    for (const bad of ["0", "-1", "1.5", "two", String(MAX_SEGMENTS + 1), ""]) {
      expect(() => parseRunFlags([`--segments=${bad}`])).toThrow(InputError);
      expect(() => parseRunFlags([`--segments=${bad}`])).toThrow(`--segments=${bad}: allowed: a whole number from 1 to ${MAX_SEGMENTS}`);
    }
  });

  it("exits 2 on a bad value before anything starts", async () => {
    const run = await runChaos(["--segments", "0", "--env", "local"]);
    expect(run.code).toBe(2);
    expect(run.err + run.out).toContain("--segments=0: allowed: a whole number from 1");
  });

  it("starts each runner with the k6-operator's flags, in its order", () => {
    expect(k6RunnerArgs({ index: 1, count: 3, address: "127.0.0.1:6566" })).toEqual([
      "--execution-segment=1/3:2/3", "--execution-segment-sequence=0,1/3,2/3,1", "--address=127.0.0.1:6566", "--paused", "--tag", "instance_id=2",
    ]);
  });
});
