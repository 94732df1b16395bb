// The custom k6 metrics every scenario reports.
import { Counter, Trend } from "k6/metrics";

export const clientMetrics = {
  deliveryLatency: new Trend("delivery_latency", true),
  ackLatency: new Trend("ack_latency", true),
  messagesSent: new Counter("messages_sent"),
  messagesAcked: new Counter("messages_acked"),
  messagesDelivered: new Counter("messages_delivered"),
  duplicatesDropped: new Counter("duplicates_dropped"),
  decryptFailures: new Counter("decrypt_failures"),
  reconnects: new Counter("reconnects"),
  failovers: new Counter("failovers"),
  connectionFailures: new Counter("connection_failures"),
};
