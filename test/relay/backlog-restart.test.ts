import { afterAll, describe, expect, it } from "vitest";
import { cleanUpRelays, makeTempDir, startRelayProcess } from "../support/relay-process.ts";
import { RelayTestClient, createIdentity } from "../support/relay-test-client.ts";
import { writeSyntheticBacklog } from "../support/synthetic-backlog.ts";

const BACKLOG = 200_000;

describe("relay restart with a backlog", () => {
  afterAll(cleanUpRelays);

  it(`replays ${BACKLOG} queued messages on start and serves them`, async () => {
    const recipients = await Promise.all(Array.from({ length: 4 }, () => createIdentity()));
    const dataDir = makeTempDir();
    const logBytes = writeSyntheticBacklog(dataDir, { messages: BACKLOG, recipients: [...recipients.map((r) => r.userId), ..."0123456789".split("").map((c) => c.repeat(22))] });
    const relay = await startRelayProcess({ dataDir });
    console.log(`backlog restart: messages=${BACKLOG} log=${(logBytes / 1e6).toFixed(1)}MB startupMs=${relay.started.startupMs} replayMs=${relay.started.replayMs} rss=${(relay.rssBytes() / 1e6).toFixed(0)}MB`);
    expect(relay.started.queuedLoaded).toBe(BACKLOG);
    expect(relay.started.startupMs).toBeLessThan(20_000);
    const health = (await (await fetch(`${relay.httpUrls[0]}/healthz`)).json()) as { queued: number };
    expect(health.queued).toBe(BACKLOG);
    const client = await RelayTestClient.connect(relay.wsUrls[0], { identity: recipients[0] });
    const expected = BACKLOG / 14; // round robin over 14 recipients
    expect((client.frames.find((f) => f.type === "auth_ok") as { queued: number }).queued).toBeCloseTo(expected, -1);
    const delivered = await client.waitForDeliveries(Math.ceil(expected) - 1, 30_000);
    expect(delivered[0].id).toBe("b0");
    expect(delivered[1].id).toBe("b14");
    await client.close();
  });
});
