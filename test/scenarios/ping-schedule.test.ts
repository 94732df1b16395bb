import { describe, expect, it } from "vitest";
import { nextPingAfterMs } from "../../scenarios/lib/ping-schedule.ts";
import { seededRandom } from "../../scenarios/lib/seeded-random.ts";

describe("when a quiet connection pings", () => {
  it("draws each ping's delay between 3/4 of the interval and all of it, spread over that range", () => {
    const random = seededRandom(7);
    const delays = Array.from({ length: 10_000 }, () => nextPingAfterMs(10_000, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(7500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(10_000);
    // 10,000 clients' pings land in every quarter of the range, none of them holding most
    const quarters = [0, 0, 0, 0];
    for (const d of delays) quarters[Math.min(3, Math.floor((d - 7500) / 625))]++;
    for (const q of quarters) expect(q).toBeGreaterThan(2000);
  });
});
