// Fills the relay with a stored backlog before a scenario: `count` messages for offline users who
// never connect, sent through the protocol and acknowledged (so durably stored) by the relay.
import { randomBytes } from "node:crypto";
import { EnvironmentError } from "../errors.ts";
import { NodeRelayClient, offlineUserId } from "./node-relay-client.ts";

export interface BacklogFigures {
  /** messages stored (acknowledged by the server) */
  messages: number;
  recipients: number;
  loadMs: number;
  perSecond: number;
  /** the server refused to store more: what it answered, after how many (the scenario runs with what was stored, and fails) */
  refused?: string;
}

const SENDERS = 4;
const RECIPIENTS = 50;
const WINDOW = 1000;
/** about the size of a real envelope carrying a short message */
const BODY_BYTES = 220;
const TIMEOUT_MS = 15 * 60_000;

export async function preloadBacklog(url: string, count: number, log: (line: string) => void): Promise<BacklogFigures> {
  const started = Date.now();
  const recipients = await Promise.all(Array.from({ length: RECIPIENTS }, offlineUserId));
  const body = Buffer.from(randomBytes(BODY_BYTES)).toString("base64");
  let next = 0;
  let acked = 0;
  let lastReport = 0;
  log(`preloading a backlog of ${count} messages for ${RECIPIENTS} offline users`);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new EnvironmentError(`backlog preload: ${acked} of ${count} acknowledged after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const clients: NodeRelayClient[] = [];
    const pump = (client: NodeRelayClient, outstanding: { n: number }) => {
      while (outstanding.n < WINDOW && next < count) {
        const i = next++;
        client.send(`b${i}`, recipients[i % RECIPIENTS], body);
        outstanding.n++;
      }
    };
    for (let s = 0; s < SENDERS; s++) {
      const outstanding = { n: 0 };
      NodeRelayClient.connect(url, (frame) => {
        if (frame.type === "error") return reject(new EnvironmentError(`backlog preload: the relay answered ${frame.code}: ${frame.message} (raise RELAY_RATE_PER_SEC for backlog scenarios)`));
        if (frame.type !== "sent") return;
        outstanding.n--;
        acked++;
        if (acked - lastReport >= count / 10) {
          lastReport = acked;
          log(`  backlog: ${acked}/${count} stored (${Math.round(acked / ((Date.now() - started) / 1000))}/s)`);
        }
        if (acked === count) {
          clearTimeout(timer);
          clients.forEach((c) => c.close());
          resolve();
        } else pump(clients[s], outstanding);
      }).then((client) => {
        clients[s] = client;
        pump(client, outstanding);
      }, reject);
    }
  });
  const loadMs = Date.now() - started;
  return { messages: count, recipients: RECIPIENTS, loadMs, perSecond: Math.round(count / (loadMs / 1000)) };
}
