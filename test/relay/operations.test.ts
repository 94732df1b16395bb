import { execFileSync, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createHttpHandler, type HealthStatus } from "../../fixtures/relay/http-routes.ts";
import { RELAY_BUNDLE, cleanUpRelays, ensureRelayBundle, killAllRelays, makeTempDir, startRelayProcess } from "../support/relay-process.ts";
import { RelayTestClient, createIdentity, randomBody } from "../support/relay-test-client.ts";

describe("relay operations", () => {
  afterEach(killAllRelays);
  afterAll(cleanUpRelays);

  it("serves /healthz with status, uptime and queued count, and /metrics in Prometheus text", async () => {
    const relay = await startRelayProcess();
    const alice = await RelayTestClient.connect(relay.wsUrls[0]);
    const bob = await createIdentity();
    await alice.sendAndWait(bob.userId, randomBody(), "q-1");
    await alice.sendAndWait(bob.userId, randomBody(), "q-2");
    alice.sendFrame("garbage");
    await alice.waitFor((f) => f.type === "error");

    const health = await fetch(`${relay.httpUrls[0]}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", queued: 2, connections: 1 });
    expect(body.uptimeSeconds).toBeGreaterThan(0);

    const metrics = await (await fetch(`${relay.httpUrls[0]}/metrics`)).text();
    const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1]);
    expect(value("relay_connections")).toBe(1);
    expect(value("relay_queue_depth")).toBe(2);
    expect(value("relay_messages_in_total")).toBe(2);
    expect(value("relay_messages_out_total")).toBe(0);
    expect(value("relay_messages_acked_total")).toBe(0);
    expect(value("relay_store_latency_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^relay_frames_rejected_total\{code="bad_frame"\} 1$/m);
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(metrics).toMatch(/^process_cpu_seconds_total \S+/m);

    expect((await fetch(`${relay.httpUrls[0]}/nope`)).status).toBe(404);
    await alice.close();
  });

  it("answers /healthz with 503 while loading or draining", async () => {
    let status: HealthStatus = "loading";
    const server = createServer(createHttpHandler({ status: () => status, queued: () => 7, connections: () => 0, registry: new Registry(), journalFile: null }));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    try {
      expect((await fetch(url)).status).toBe(503);
      status = "draining";
      const draining = await fetch(url);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toMatchObject({ status: "draining", queued: 7 });
      status = "ok";
      expect((await fetch(url)).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it("on SIGTERM closes every client with 1001, exits 0, and keeps queued messages for the next start", async () => {
    const relay = await startRelayProcess({ listeners: 2 });
    const alice = await RelayTestClient.connect(relay.wsUrls[0]);
    const carol = await RelayTestClient.connect(relay.wsUrls[1]);
    const bob = await createIdentity();
    for (let i = 0; i < 3; i++) await alice.sendAndWait(bob.userId, randomBody(), `kept-${i}`);
    const exit = await relay.stop("SIGTERM");
    expect((await alice.closed).code).toBe(1001);
    expect((await carol.closed).code).toBe(1001);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(relay.stdout()).toContain('"relay_stopped"');

    const again = await startRelayProcess({ dataDir: relay.dataDir });
    expect(again.started.queuedLoaded).toBe(3);
    const bobClient = await RelayTestClient.connect(again.wsUrls[0], { identity: bob });
    const delivered = await bobClient.waitForDeliveries(3);
    expect(delivered.map((d) => d.id)).toEqual(["kept-0", "kept-1", "kept-2"]);
    await bobClient.close();
  });

  it("serves wss:// when given a certificate and key", async () => {
    const dir = makeTempDir("relay-tls-");
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
      "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
    const relay = await startRelayProcess({ env: { RELAY_TLS_CERT: cert, RELAY_TLS_KEY: key } });
    expect(relay.started.listeners[0]).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const alice = await RelayTestClient.connect(relay.wsUrls[0]);
    const bob = await RelayTestClient.connect(relay.wsUrls[0]);
    await alice.sendAndWait(bob.userId, randomBody(), "tls-1");
    await bob.waitForDeliveries(1);
    await Promise.all([alice.close(), bob.close()]);
  });

  const badEnv: [string, string, RegExp][] = [
    ["RELAY_LISTEN", "localhost", /RELAY_LISTEN="localhost" is not valid; allowed: comma-separated host:port/],
    ["RELAY_RATE_PER_SEC", "fast", /RELAY_RATE_PER_SEC="fast" is not valid; allowed: an integer from 1 to/],
    ["RELAY_FORWARD_CAP", "-1", /RELAY_FORWARD_CAP="-1" is not valid; allowed: an integer from 0 to/],
    ["RELAY_TLS_CERT", "/nonexistent/cert.pem", /RELAY_TLS_KEY="" is not valid/],
  ];
  for (const [variable, value, message] of badEnv) {
    it(`exits 2 naming ${variable} when it is ${JSON.stringify(value)}`, async () => {
      await ensureRelayBundle();
      const result = spawnSync(process.execPath, [RELAY_BUNDLE], {
        env: { ...process.env, RELAY_DATA_DIR: makeTempDir(), [variable]: value }, encoding: "utf8", timeout: 10_000,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
    });
  }
});
