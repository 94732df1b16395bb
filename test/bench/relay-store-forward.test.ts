// The bench's reference for the steady baseline: the relay's own store-and-forward time, timed per
// message by a minimal Node client against a real relay process.
import { describe, expect, it } from "vitest";
import { measureStoreForward } from "../../bench/relay-store-forward.ts";

describe("relay store-and-forward (bench/relay-store-forward.ts)", () => {
  it("times every message sent at the given rate from its send to its delivery, below a millisecond's resolution", async () => {
    const result = await measureStoreForward({ rate: 50, seconds: 1 });
    expect(result.messages).toBe(50);
    expect(result.deliverP50Ms).toBeGreaterThan(0);
    expect(result.deliverP90Ms).toBeGreaterThanOrEqual(result.deliverP50Ms);
    expect(result.ackP50Ms).toBeGreaterThan(0);
    // sub-millisecond resolution: a whole-millisecond clock would give integers
    expect([result.deliverP50Ms, result.deliverP90Ms, result.ackP50Ms].some((ms) => !Number.isInteger(ms))).toBe(true);
  });
});
