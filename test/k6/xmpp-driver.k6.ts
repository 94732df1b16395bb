// The XMPP driver in real k6 against a real server (input: XMPP_INPUT, written by
// test/xmpp/xmpp-driver.test.ts). Bob logs in, gets the message Alice (Node) left while he was
// offline, decrypts it, answers it encrypted, then sends EXTRA more messages, and acknowledges what
// he got. Prints the ids the server acknowledged (in the order the driver reported them), the
// plaintext, and the connection events.
import "../../scenarios/lib/k6-primitives.ts";
import { fromUtf8, utf8 } from "../../harness/protocol/bytes.ts";
import type { PrekeyBundle } from "../../harness/protocol/frames.ts";
import { importIdentity } from "../../harness/protocol/identity.ts";
import { importPrekeyRing } from "../../harness/protocol/prekeys.ts";
import { SessionManager, type E2eMode } from "../../harness/protocol/session.ts";
import { XmppDriver } from "../../scenarios/lib/drivers/xmpp-driver.ts";
import { seededRandom } from "../../scenarios/lib/seeded-random.ts";
import { driverEvents } from "./driver-events.ts";

const input = JSON.parse(open(__ENV.XMPP_INPUT));
export const options = { vus: 1, iterations: 1 };

export default async function (): Promise<void> {
  const bundles: Record<string, PrekeyBundle> = { [input.alice.userId]: input.alice.bundle };
  const bob = new SessionManager(await importIdentity(input.bob.identity), await importPrekeyRing(input.bob.ring), async (id) => bundles[id], input.mode as E2eMode);
  const result = { accepted: [] as string[], received: [] as string[], plaintext: "", events: [] as string[], refused: [] as string[] };
  const extra = Number(input.extra);
  const options = { endpoints: [{ name: "server", url: input.url }], backoff: { kind: "jitter" as const, baseMs: 200, capMs: 500 }, connectTimeoutMs: 5000, pingIntervalMs: 2000, silenceTimeoutMs: 8000, random: seededRandom(1) };
  const driver: XmppDriver = new XmppDriver(options, { userId: input.bob.userId, domain: input.domain, localpart: input.bob.localpart, password: input.bob.password }, driverEvents({
    ready: () => void result.events.push("ready"),
    accepted: (id) => void result.accepted.push(id),
    refused: (r) => void result.refused.push(JSON.stringify(r)),
    connection: (e) => void (e.kind !== "connecting" && result.events.push(e.reason ? `${e.kind}: ${e.reason}` : e.kind)),
    delivered: (d) => {
      result.received.push(d.id);
      if (d.from !== input.alice.userId || result.plaintext) return;
      bob.decrypt(d.from, d.id, d.body).then(async (plaintext) => {
        result.plaintext = fromUtf8(plaintext);
        driver.acknowledge([{ from: d.from, id: d.id }]);
        driver.send("reply", d.from, await bob.encrypt(d.from, "reply", utf8(`k6 got: ${result.plaintext}`)));
        for (let i = 1; i <= extra; i++) driver.send(`x${i}`, d.from, "QUJD");
      }, (e) => void result.events.push(`decrypt failed: ${e}`));
    },
  }));
  driver.start();
  const startedAt = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      driver.keepAlive(Date.now());
      if (result.accepted.length >= extra + 1 || Date.now() - startedAt > Number(input.runMs)) {
        clearInterval(timer);
        driver.stop();
        resolve();
      }
    }, 100);
  });
  console.log(JSON.stringify({ xmppDriver: result }));
}
