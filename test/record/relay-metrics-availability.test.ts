// A relay under test need not offer /metrics nor print relay_started: what it does not export is
// null (not available) in the figures, never 0, and a relay that answers without metrics is up.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpGetBody } from "../../harness/environments/http-get-text.ts";
import type { RelayControl } from "../../harness/environments/environment.ts";
import { RelayMetricsSampler, relayPeaks } from "../../harness/record/relay-metrics-sampler.ts";
import { relayStartups } from "../../harness/record/relay-startups.ts";

/** A relay stand-in whose /metrics is `url` (port 1: nothing listens, no answer). */
function relayAt(url: string): RelayControl {
  const notUsed = () => Promise.reject(new Error("not used"));
  return { metrics: () => httpGetBody(url), logs: () => Promise.resolve(""), journal: notUsed, terminate: notUsed, kill: notUsed, start: notUsed, pause: notUsed, resume: notUsed, usage: () => Promise.resolve(null), storedFiles: async function* () {} };
}

async function sample(relay: RelayControl, count: number) {
  const sampler = new RelayMetricsSampler(relay, 20);
  sampler.start();
  while (sampler.samples.length < count) await new Promise((r) => setTimeout(r, 10));
  return sampler.stop();
}

describe("relay metrics a relay does not export", () => {
  let answer = { status: 404, body: "not found" };
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("counts a relay without /metrics as up, with every peak null", async () => {
    answer = { status: 404, body: "not found" };
    const samples = await sample(relayAt(`http://127.0.0.1:${port}/metrics`), 3);
    expect(samples.every((s) => s.up && s.metrics === false)).toBe(true);
    const peaks = relayPeaks(samples);
    expect(peaks).toMatchObject({ samplesDown: 0, peakConnections: null, peakQueueDepth: null, peakRssBytes: null, peakCpuPercent: null });
    expect(peaks.samplesWithoutMetrics).toBe(peaks.samples);
  });

  it("gives null for each metric left out and the value for each exported one", async () => {
    answer = { status: 200, body: "# HELP relay_connections x\nrelay_connections 7\nrelay_queue_depth{shard=\"a\"} 2\nrelay_queue_depth{shard=\"b\"} 3\n" };
    const peaks = relayPeaks(await sample(relayAt(`http://127.0.0.1:${port}/metrics`), 3));
    expect(peaks).toMatchObject({ samplesDown: 0, samplesWithoutMetrics: 0, peakConnections: 7, peakQueueDepth: 5, peakRssBytes: null, peakCpuPercent: null });
  });

  it("counts no answer at all as down", async () => {
    const peaks = relayPeaks(await sample(relayAt("http://127.0.0.1:1/metrics"), 2));
    expect(peaks.samplesDown).toBe(peaks.samples);
    expect(peaks).toMatchObject({ samplesWithoutMetrics: 0, peakConnections: null, peakCpuPercent: null });
  });
});

describe("relay start-ups a relay does not report", () => {
  it("has none without relay_started lines, and null for each field a line leaves out", () => {
    expect(relayStartups("listening on 7001\nready\n")).toEqual([]);
    expect(relayStartups('{"event":"relay_started","time":"2026-01-01T00:00:00Z","startupMs":12}\n{"event":"relay_stopping"}\n')).toEqual([
      { time: "2026-01-01T00:00:00Z", startupMs: 12, replayMs: null, queuedLoaded: null },
    ]);
  });
});
