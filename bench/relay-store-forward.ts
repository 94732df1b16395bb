// The relay's own store-and-forward time at a steady rate: a minimal Node `ws` sender writes to
// one online recipient, messages evenly spaced (no E2E work, no Toxiproxy, no k6), and each
// message is timed from its send to its deliver frame (performance.now, so below a millisecond).
// The harness's steady baseline is judged against it at the same rate: what the instrument adds.
//
//   npx tsx bench/relay-store-forward.ts [--rate 40] [--seconds 8]
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { NodeRelayClient } from "../harness/load/node-relay-client.ts";
import { encodeFrame } from "../harness/protocol/frames.ts";
import { startRelayProcess } from "../test/support/relay-process.ts";
import { flag } from "./cli-flag.ts";
import { percentile, round } from "./proc-stats.ts";
import { UNLIMITED_RATE_ENV } from "./relay-ceiling.ts";

export interface StoreForwardResult {
  rate: number;
  messages: number;
  /** send -> deliver (stored durably, then forwarded), ms */
  deliverP50Ms: number;
  deliverP90Ms: number;
  /** send -> `sent` (stored durably), ms */
  ackP50Ms: number;
}

export async function measureStoreForward(options: { rate?: number; seconds?: number; bodyBytes?: number; log?: (line: string) => void } = {}): Promise<StoreForwardResult> {
  const rate = options.rate ?? 40;
  const seconds = options.seconds ?? 8;
  const body = randomBytes(options.bodyBytes ?? 450).toString("base64");
  options.log?.(`relay store-and-forward: one Node sender to one online recipient, ${rate} msgs/s evenly spaced for ${seconds} s, durable acks`);
  const relay = await startRelayProcess({ env: UNLIMITED_RATE_ENV });
  const sentAt = new Map<string, number>();
  const acks: number[] = [];
  const deliveries: number[] = [];
  try {
    const sender = await NodeRelayClient.connect(relay.wsUrls[0], (f) => {
      const t0 = f.type === "sent" ? sentAt.get(f.id) : undefined;
      if (t0 !== undefined) acks.push(performance.now() - t0);
    });
    const recipient = await NodeRelayClient.connect(relay.wsUrls[0], (f) => {
      if (f.type !== "deliver") return;
      const t0 = sentAt.get(f.id);
      if (t0 !== undefined) deliveries.push(performance.now() - t0);
      recipient.ws.send(encodeFrame({ type: "ack", acks: [{ from: f.from, id: f.id }] }));
    });
    let n = 0;
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        if (n === rate * seconds) return (clearInterval(timer), setTimeout(done, 500));
        const id = `s${n++}`;
        sentAt.set(id, performance.now());
        sender.send(id, recipient.identity.userId, body);
      }, 1000 / rate);
    });
    sender.close();
    recipient.close();
  } finally {
    await relay.stop("SIGTERM");
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const d = sorted(deliveries);
  if (d.length < sentAt.size) throw new Error(`relay store-and-forward: ${d.length} of ${sentAt.size} messages delivered (expected all)`);
  return { rate, messages: d.length, deliverP50Ms: round(percentile(d, 50), 2), deliverP90Ms: round(percentile(d, 90), 2), ackP50Ms: round(percentile(sorted(acks), 50), 2) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const result = await measureStoreForward({ rate: flag(args, "rate", 40), seconds: flag(args, "seconds", 8), log: console.error });
  console.log(JSON.stringify(result));
}
