// How fast simulated users sign in, and when a scenario's clock starts: a population that fits in
// the first half of the warm-up signs in there (the clock starts with k6); a bigger one signs in at
// SIGN_IN_PER_S and the clock starts later by the difference, so warm-up, faults and phases keep
// their places relative to each other.
import { describe, expect, it } from "vitest";
import { maxDurationS, scenarioSettings, SIGN_IN_PER_S, signInBeforeClockS, signInS } from "../../scenarios/lib/scenario-settings.ts";

describe("sign-in pace", () => {
  it("fits a small population into the first half of the warm-up, with the clock starting at once", () => {
    const s = scenarioSettings("steady", { users: 100, warmupS: 5 });
    expect(signInS(s)).toBe(2.5);
    expect(signInBeforeClockS(s)).toBe(0);
    expect(maxDurationS(s)).toBe(5 + s.durationS + s.drainS + 30);
  });

  it("signs a big population in at SIGN_IN_PER_S and starts the clock that much later", () => {
    const s = scenarioSettings("steady", { users: 10_000, warmupS: 5, durationS: 60 });
    expect(signInS(s)).toBe(10_000 / SIGN_IN_PER_S);
    expect(signInBeforeClockS(s)).toBe(10_000 / SIGN_IN_PER_S - 2.5);
    expect(maxDurationS(s)).toBe(signInBeforeClockS(s) + 5 + 60 + s.drainS + 30);
    // the warm-up itself is not stretched: the fault timeline is written against it
    expect(s.warmupS).toBe(5);
  });
});
