// The XMPP driver in real k6 across a dead path (input: XMPP_INPUT, written by
// test/xmpp/xmpp-resume.test.ts). Bob logs in through Toxiproxy with stream management and, like a
// simulated user, keeps an outbox of the messages the server has not acknowledged, resent whenever
// the driver is ready again. Until the driver first declares the connection dead it sends Alice a
// message every tickMs (so some go into the blackhole); on the first login after that it sends
// `after` more. Every delivery is acknowledged at once. It ends when Alice's "end" has arrived and
// the outbox is empty (or at runMs), and prints what it sent, what the driver reported accepted and
// every delivery (duplicates included). Connection events are printed as they happen (key
// resumeEvent), so the test can wait for them.
import "../../scenarios/lib/k6-primitives.ts";
import { XmppDriver } from "../../scenarios/lib/drivers/xmpp-driver.ts";
import { seededRandom } from "../../scenarios/lib/seeded-random.ts";
import { driverEvents } from "./driver-events.ts";

const input = JSON.parse(open(__ENV.XMPP_INPUT));
export const options = { vus: 1, iterations: 1 };

const BODY = "QUJD";

export default async function (): Promise<void> {
  const result = { composed: [] as string[], transmitted: [] as string[], accepted: [] as string[], received: [] as string[], events: [] as string[], refused: [] as string[], endSeen: false, timedOut: false };
  const note = (event: string) => {
    result.events.push(event);
    console.log(JSON.stringify({ resumeEvent: event, t: Date.now() }));
  };
  const outbox = new Set<string>();
  let readies = 0;
  let dropped = false;
  let afterComposed = false;
  const options = {
    endpoints: [{ name: "server", url: input.url }],
    backoff: { kind: "jitter" as const, baseMs: 200, capMs: 500 },
    connectTimeoutMs: Number(input.connectTimeoutMs),
    pingIntervalMs: Number(input.pingIntervalMs),
    silenceTimeoutMs: Number(input.silenceTimeoutMs),
    random: seededRandom(1),
  };
  const transmit = (id: string) => {
    if (driver.send(id, input.alice.userId, BODY)) result.transmitted.push(`${id}@${readies}`);
  };
  const compose = (id: string) => {
    outbox.add(id);
    result.composed.push(id);
    transmit(id);
  };
  const driver: XmppDriver = new XmppDriver(options, { userId: input.bob.userId, domain: input.domain, localpart: input.bob.localpart, password: input.bob.password }, driverEvents({
    ready: () => {
      readies++;
      note("ready");
      for (const id of outbox) transmit(id);
      if (dropped && !afterComposed) {
        afterComposed = true;
        for (let i = 1; i <= Number(input.after); i++) compose(`a${i}`);
      }
    },
    accepted: (id) => {
      result.accepted.push(id);
      outbox.delete(id);
    },
    refused: (r) => void result.refused.push(JSON.stringify(r)),
    connection: (e) => {
      if (e.kind === "dropped") dropped = true;
      if (e.kind !== "connecting") note(e.reason ? `${e.kind}: ${e.reason}` : e.kind);
    },
    delivered: (d) => {
      result.received.push(d.id);
      if (d.id === "end") result.endSeen = true;
      driver.acknowledge([{ from: d.from, id: d.id }]);
    },
  }));
  driver.start();
  const startedAt = Date.now();
  let ticks = 0;
  let lastTickAt = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      driver.keepAlive(now);
      if (readies > 0 && !dropped && ticks < Number(input.maxTicks) && now - lastTickAt >= Number(input.tickMs)) {
        lastTickAt = now;
        compose(`t${++ticks}`);
      }
      const done = result.endSeen && afterComposed && outbox.size === 0;
      if (done || now - startedAt > Number(input.runMs)) {
        result.timedOut = !done;
        clearInterval(timer);
        driver.stop();
        resolve();
      }
    }, 50);
  });
  console.log(JSON.stringify({ xmppResume: result }));
}
