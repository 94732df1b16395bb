// The custom k6 metrics every scenario reports. Counts are collected per tick and added to k6
// once per tick (a k6 sample per message costs more than the message's bookkeeping); delivery
// latency stays one sample per message, for its thresholds.
import { Counter, Trend } from "k6/metrics";

export const deliveryLatency = new Trend("delivery_latency", true);

const counters = {
  messagesSent: new Counter("messages_sent"),
  messagesAcked: new Counter("messages_acked"),
  messagesDelivered: new Counter("messages_delivered"),
  duplicatesDropped: new Counter("duplicates_dropped"),
  decryptFailures: new Counter("decrypt_failures"),
  reconnects: new Counter("reconnects"),
  failovers: new Counter("failovers"),
  connectionFailures: new Counter("connection_failures"),
};
export type CountName = keyof typeof counters;

const pending = Object.fromEntries(Object.keys(counters).map((k) => [k, 0])) as Record<CountName, number>;

export function count(name: CountName, n = 1): void {
  pending[name] += n;
}

export function flushCounts(): void {
  for (const name of Object.keys(pending) as CountName[]) {
    if (pending[name] > 0) counters[name].add(pending[name]);
    pending[name] = 0;
  }
}
