// A client whose own event loop stalls (a saturated load generator) must not blame the relay for
// the silence: one user logs in to a real relay, sends a message to someone offline, and on the relay's `sent`
// blocks its VU for 2.5 s, longer than its 1 s silence timeout, while the relay stays healthy.
// Liveness is then checked as the scenarios check it. Prints the link's connection events.
import "../../scenarios/lib/k6-primitives.ts";
import { authFrame } from "../../harness/protocol/auth.ts";
import { createIdentity } from "../../harness/protocol/identity.ts";
import { RelayDriver } from "../../scenarios/lib/drivers/relay-driver.ts";
import { driverEvents } from "./driver-events.ts";
import { seededRandom } from "../../scenarios/lib/seeded-random.ts";

export const options = { vus: 1, iterations: 1 };
const STALL_MS = 2500;

export default async function (): Promise<void> {
  const identity = await createIdentity();
  const offline = await createIdentity();
  const events: string[] = [];
  let stalled = false;
  const link: RelayDriver = new RelayDriver(
    { endpoints: [{ name: "relay", url: __ENV.RELAY_URL }], backoff: { kind: "jitter", baseMs: 100, capMs: 500 }, connectTimeoutMs: 3000, pingIntervalMs: 300, silenceTimeoutMs: 1000, random: seededRandom(1) },
    (nonce) => authFrame(identity, nonce),
    driverEvents({
      ready: () => {
        events.push("ready");
        if (!stalled) link.send("m1", offline.userId, "AAAA");
      },
      accepted: () => {
        if (stalled) return;
        stalled = true;
        events.push("stall");
        const until = Date.now() + STALL_MS;
        while (Date.now() < until) {
          // the VU's event loop does nothing else meanwhile, as when it cannot keep up
        }
      },
      connection: (e) => void (e.kind !== "connecting" && events.push(e.reason ? `${e.kind}: ${e.reason}` : e.kind)),
    }),
  );
  link.start();
  await new Promise<void>((resolve) => {
    const startedAt = Date.now();
    const timer = setInterval(() => {
      link.keepAlive(Date.now());
      if (Date.now() - startedAt > 6000) {
        clearInterval(timer);
        link.stop();
        resolve();
      }
    }, 100);
  });
  console.log(JSON.stringify({ stalledClient: events }));
}
