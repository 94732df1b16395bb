// The k6 client's reconnect when the relay stops answering soon after a login (the test pauses
// the relay process, then resumes it): one user logs in, is declared silent inside the liveness
// tick while its login timer is still pending, and must log in again once the relay answers.
// The only timers are the link's and the tick. Prints the link's connection events; ends once it
// logged in again after a drop, or after RUN_MS.
import "../../scenarios/lib/k6-primitives.ts";
import { authFrame } from "../../harness/protocol/auth.ts";
import { createIdentity } from "../../harness/protocol/identity.ts";
import { RelayDriver } from "../../scenarios/lib/drivers/relay-driver.ts";
import { driverEvents } from "./driver-events.ts";
import { seededRandom } from "../../scenarios/lib/seeded-random.ts";

export const options = { vus: 1, iterations: 1 };
const RUN_MS = Number(__ENV.RUN_MS);

export default async function (): Promise<void> {
  const identity = await createIdentity();
  const events: string[] = [];
  const link = new RelayDriver(
    { endpoints: [{ name: "relay", url: __ENV.RELAY_URL }], backoff: { kind: "jitter", baseMs: 100, capMs: 300 }, connectTimeoutMs: 20_000, pingIntervalMs: 200, silenceTimeoutMs: 800, random: seededRandom(1) },
    (nonce) => authFrame(identity, nonce),
    driverEvents({
      ready: () => void events.push("ready"),
      connection: (e) => void (e.kind !== "connecting" && e.kind !== "backoff" && events.push(e.reason ? `${e.kind}: ${e.reason}` : e.kind)),
    }),
  );
  link.start();
  const startedAt = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      link.keepAlive(Date.now());
      const backAfterDrop = events.some((e, i) => e === "ready" && events.slice(0, i).some((d) => d.startsWith("dropped")));
      if (backAfterDrop || Date.now() - startedAt > RUN_MS) {
        clearInterval(timer);
        link.stop();
        resolve();
      }
    }, 100);
  });
  console.log(JSON.stringify({ pausedRelay: events }));
}
