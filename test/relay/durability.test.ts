import { afterAll, describe, expect, it } from "vitest";
import { cleanUpRelays, startRelayProcess } from "../support/relay-process.ts";
import { RelayTestClient, createIdentity, randomBody, type TestIdentity } from "../support/relay-test-client.ts";

const SENDERS = 4;
const RECIPIENTS = 8;
const SENDS_PER_SENDER = 8_000; // 32,000 pipelined sends in all
const KILL_AT_ACKED = 10_000;
const MIN_IN_FLIGHT = 10_000;

describe("relay durability", () => {
  afterAll(cleanUpRelays);

  it("loses no acknowledged message when SIGKILLed with thousands of sends in flight", async () => {
    const env = { RELAY_RATE_PER_SEC: "1000000", RELAY_RATE_BURST: "1000000" };
    const relay = await startRelayProcess({ env });
    const recipients: TestIdentity[] = await Promise.all(Array.from({ length: RECIPIENTS }, () => createIdentity()));
    const senders = await Promise.all(Array.from({ length: SENDERS }, () => RelayTestClient.connect(relay.wsUrls[0])));

    const acked = new Set<string>(); // "recipient/id" of every `sent` received, also after the kill
    let sentCount = 0;
    let atKill: { acked: number; inFlight: number } | null = null;
    for (const sender of senders) {
      sender.ws.on("message", (data: Buffer) => {
        const text = data.toString();
        if (!text.startsWith('{"type":"sent"')) return;
        const frame = JSON.parse(text) as { id: string; to: string };
        acked.add(`${frame.to}/${frame.id}`);
        if (!atKill && acked.size >= KILL_AT_ACKED) {
          process.kill(relay.pid, "SIGKILL"); // synchronously, at the first moment the count is reached
          atKill = { acked: acked.size, inFlight: sentCount - acked.size };
        }
      });
    }
    // Pipeline every send without waiting for any answer.
    const body = randomBody(1500); // big enough that the relay is still writing when it dies
    for (let i = 0; i < SENDS_PER_SENDER; i++) {
      for (let s = 0; s < SENDERS; s++) {
        const to = recipients[(i + s) % RECIPIENTS].userId;
        senders[s].send(to, body, `s${s}-${i}`);
        sentCount++;
      }
    }
    const exit = await relay.exited;
    expect(exit.signal).toBe("SIGKILL");
    await Promise.all(senders.map((s) => s.closed));
    expect(atKill).not.toBeNull();
    const kill = atKill as unknown as { acked: number; inFlight: number };
    expect(kill.acked).toBeGreaterThanOrEqual(KILL_AT_ACKED);
    expect(kill.inFlight).toBeGreaterThanOrEqual(MIN_IN_FLIGHT);

    const restarted = await startRelayProcess({ dataDir: relay.dataDir, env });
    expect(restarted.started.queuedLoaded).toBeGreaterThanOrEqual(acked.size);
    const received = new Set<string>();
    await Promise.all(recipients.map(async (identity) => {
      const client = await RelayTestClient.connect(restarted.wsUrls[0], { identity });
      const queued = (client.frames.find((f) => f.type === "auth_ok") as { queued: number }).queued;
      const delivered = await client.waitForDeliveries(queued, 30_000);
      for (const d of delivered) received.add(`${identity.userId}/${d.id}`);
      await client.close();
    }));
    const lost = [...acked].filter((key) => !received.has(key));
    console.log(`durability: acked=${acked.size} in-flight-at-kill=${kill.inFlight} lost=${lost.length} ` +
      `(acked-at-kill=${kill.acked} sent=${sentCount} recovered=${received.size} torn-tail-bytes=${restarted.started.truncatedBytes} ` +
      `restart-ms=${restarted.started.startupMs})`);
    expect(lost).toEqual([]);
  });
});
