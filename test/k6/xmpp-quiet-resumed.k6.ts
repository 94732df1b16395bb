// The XMPP driver on a resumed stream that stays quiet (input: XMPP_INPUT, written by
// test/xmpp/xmpp-quiet-resumed-stream.test.ts): one user logs in with stream management, the test
// blackholes and heals its path, the driver resumes; then the user sends nothing for `quietMs`
// (longer than a ping interval plus the silence limit) while the driver keeps its liveness, and
// stops. Connection events are printed as they happen (key quietEvent); k6 then has to end.
import "../../scenarios/lib/k6-primitives.ts";
import { XmppDriver } from "../../scenarios/lib/drivers/xmpp-driver.ts";
import { seededRandom } from "../../scenarios/lib/seeded-random.ts";
import { driverEvents } from "./driver-events.ts";

const input = JSON.parse(open(__ENV.XMPP_INPUT));
export const options = { vus: 1, iterations: 1 };

export default async function (): Promise<void> {
  const note = (event: string) => console.log(JSON.stringify({ quietEvent: event, t: Date.now() }));
  let readies = 0;
  let resumedAt = 0;
  const driver = new XmppDriver({
    endpoints: [{ name: "path", url: input.url }],
    backoff: { kind: "jitter", baseMs: 200, capMs: 500 },
    connectTimeoutMs: Number(input.connectTimeoutMs),
    pingIntervalMs: Number(input.pingIntervalMs),
    silenceTimeoutMs: Number(input.silenceTimeoutMs),
    random: seededRandom(1),
  }, input.account, driverEvents({
    ready: () => {
      note(`ready ${++readies}`);
      if (readies === 2) resumedAt = Date.now();
    },
    connection: (e) => note(`${e.kind}${e.reason ? `: ${e.reason}` : ""}`),
  }));
  driver.start();
  const startedAt = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      driver.keepAlive(now);
      if ((resumedAt > 0 && now - resumedAt >= Number(input.quietMs)) || now - startedAt > Number(input.runMs)) {
        clearInterval(timer);
        note("stop");
        driver.stop();
        resolve();
      }
    }, 50);
  });
}
