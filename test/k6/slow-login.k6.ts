// The k6 client's login wait: one user whose relay answers the challenge but whose login then
// takes longer than the connect timeout (its own signing is held back, as on a saturated load
// generator), and one whose relay never answers at all (a stopped process: the kernel accepts the
// connection, nothing more, until the test resumes it). Prints each link's connection events.
import "../../scenarios/lib/k6-primitives.ts";
import { authFrame } from "../../harness/protocol/auth.ts";
import { createIdentity } from "../../harness/protocol/identity.ts";
import { RelayDriver } from "../../scenarios/lib/drivers/relay-driver.ts";
import { driverEvents } from "./driver-events.ts";
import { seededRandom } from "../../scenarios/lib/seeded-random.ts";

export const options = { vus: 1, iterations: 1 };
const CONNECT_TIMEOUT_MS = Number(__ENV.CONNECT_TIMEOUT_MS);
const SIGNING_DELAY_MS = Number(__ENV.SIGNING_DELAY_MS);
const RUN_MS = Number(__ENV.RUN_MS);

export default async function (): Promise<void> {
  const identity = await createIdentity();
  const events: Record<string, string[]> = { slow: [], silent: [] };
  const link = (name: "slow" | "silent", url: string, delayMs: number) =>
    new RelayDriver(
      { endpoints: [{ name, url }], backoff: { kind: "jitter", baseMs: 5000, capMs: 5000 }, connectTimeoutMs: CONNECT_TIMEOUT_MS, pingIntervalMs: 500, silenceTimeoutMs: 5000, random: seededRandom(1) },
      (nonce) => new Promise((resolve) => setTimeout(resolve, delayMs)).then(() => authFrame(identity, nonce)),
      driverEvents({
        ready: () => void events[name].push("ready"),
        connection: (e) => {
          if (e.kind === "connecting" || e.kind === "backoff") return;
          events[name].push(e.reason ? `${e.kind}: ${e.reason}` : e.kind);
          // the test resumes the stopped relay then, so the dial k6 cannot cancel ends and the VU can finish
          if (name === "silent" && events.silent.length === 1) console.log(JSON.stringify({ silentFailed: true }));
        },
      }),
    );
  const links = [link("slow", __ENV.RELAY_URL, SIGNING_DELAY_MS), link("silent", __ENV.STOPPED_RELAY_URL, 0)];
  for (const l of links) l.start();
  const startedAt = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const l of links) l.keepAlive(Date.now());
      if (Date.now() - startedAt > RUN_MS) {
        clearInterval(timer);
        for (const l of links) l.stop();
        resolve();
      }
    }, 100);
  });
  console.log(JSON.stringify({ slowLogin: events }));
}
