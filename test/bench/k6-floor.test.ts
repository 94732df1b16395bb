// The bench's k6 floor client against a real relay with real k6: every user logs in, every
// message is acknowledged and delivered (sealed and opened with SEAL), and its CPU is measured.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runK6Floor } from "../../bench/k6-floor.ts";
import { UNLIMITED_RATE_ENV } from "../../bench/relay-ceiling.ts";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.ts";

let relay: RelayProcess;
beforeAll(async () => {
  relay = await startRelayProcess({ env: UNLIMITED_RATE_ENV });
});
afterAll(() => relay?.stop("SIGTERM"));

describe("k6 floor (bench/k6-floor.ts)", () => {
  for (const seal of [false, true]) {
    it(`${seal ? "sealed" : "opaque"} bodies: 6 users log in and every message sent in the window is acknowledged and delivered`, async () => {
      const result = await runK6Floor({ relayUrl: relay.wsUrls[0], rate: 30, seconds: 2, users: 6, seal });
      expect(result.usersLoggedIn).toBe(6);
      expect(result.ackedPerS).toBeGreaterThanOrEqual(25);
      // deliveries are counted to the end of the drain, so none of the window's messages is missing
      expect(result.deliveredPerS).toBeGreaterThanOrEqual(result.ackedPerS);
      expect(result.cpuUsPerMsg).toBeGreaterThan(0);
    });
  }
});
