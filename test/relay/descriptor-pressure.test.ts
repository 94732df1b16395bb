// Issue 25, item 4: the reference relay under descriptor pressure. With its limit at 256 and 300
// TCP sockets held open without a request, it keeps answering /healthz and logins (it closes the
// oldest silent sockets to keep RELAY_FD_RESERVE descriptors free); a socket that sends no request
// within RELAY_UPGRADE_TIMEOUT_MS is closed; when established connections leave less than half of
// the reserve, upgrades get 503 while /healthz still answers. All counted in /metrics.
import { connect as tcpConnect, type Socket } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ConfigError, readRelayConfig } from "../../fixtures/relay/relay-config.ts";
import { cleanUpRelays, startRelayProcess } from "../support/relay-process.ts";
import { clientPool } from "../support/relay-test-client.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const held: Socket[] = [];

/** `count` TCP sockets to the port that never send a byte; resolves once each has connected (or failed). */
async function holdSilentSockets(port: number, count: number): Promise<Socket[]> {
  const sockets = await Promise.all(Array.from({ length: count }, () => new Promise<Socket>((resolve) => {
    const socket = tcpConnect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.once("connect", () => resolve(socket));
    socket.once("close", () => resolve(socket));
  })));
  held.push(...sockets);
  return sockets;
}

async function metric(httpUrl: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
}

/** GET /healthz on a new connection, as a load balancer's probe makes it. */
async function healthz(httpUrl: string): Promise<number> {
  const res = await fetch(`${httpUrl}/healthz`, { signal: AbortSignal.timeout(5000), headers: { connection: "close" } });
  await res.text();
  return res.status;
}

describe("the relay under descriptor pressure", () => {
  const { connect, closeAll } = clientPool();
  afterEach(async () => {
    await closeAll();
    for (const s of held.splice(0)) s.destroy();
  });
  afterAll(cleanUpRelays);

  it("keeps answering /healthz and logins with 300 silent sockets held against a limit of 256, closing the oldest silent ones", async () => {
    // the upgrade timeout does not fire during the test: the reserve alone keeps the relay reachable
    const relay = await startRelayProcess({ nofile: 256, env: { RELAY_UPGRADE_TIMEOUT_MS: "120000" } });
    expect(relay.started.fdLimit).toBe(256);
    const port = Number(new URL(relay.httpUrls[0]).port);
    await holdSilentSockets(port, 300);
    await sleep(500); // the relay accepts them all
    for (let i = 0; i < 5; i++) expect(await healthz(relay.httpUrls[0])).toBe(200);
    const alice = await connect(relay.wsUrls[0]); // challenge, auth, auth_ok
    const bob = await connect(relay.wsUrls[0]);
    expect(alice.userId).not.toBe("");
    expect((await alice.sendAndWait(bob.userId)).type).toBe("sent");
    // the sockets it closed: at least those beyond the limit
    expect(await metric(relay.httpUrls[0], /^relay_sockets_refused_total\{reason="fd_reserve"\} (\d+)$/m)).toBeGreaterThanOrEqual(300 - 256);
    expect(await metric(relay.httpUrls[0], /^process_open_fds (\d+)$/m)).toBeLessThan(256 - 16);
    expect(await metric(relay.httpUrls[0], /^relay_accept_errors_total\{code="EMFILE"\} (\d+)$/m)).toBe(0);
    expect(relay.stdout()).toContain('"event":"sockets_refused"');
  });

  it("closes a socket that sends no request, or only part of one, within RELAY_UPGRADE_TIMEOUT_MS, and leaves clients alone", async () => {
    const relay = await startRelayProcess({ env: { RELAY_UPGRADE_TIMEOUT_MS: "500" } });
    const port = Number(new URL(relay.httpUrls[0]).port);
    const client = await connect(relay.wsUrls[0]);
    const opened = Date.now();
    const [silent, partial] = await holdSilentSockets(port, 2);
    partial.write("GET /ws HTTP/1.1\r\nHost: relay\r\n"); // headers never finished
    // Infinity: still open 5 s later
    const closedAfter = (socket: Socket) => new Promise<number>((resolve) => {
      if (socket.destroyed) return resolve(Date.now() - opened);
      socket.once("close", () => resolve(Date.now() - opened));
      setTimeout(() => resolve(Infinity), 5000);
    });
    const [silentMs, partialMs] = await Promise.all([closedAfter(silent), closedAfter(partial)]);
    for (const ms of [silentMs, partialMs]) {
      expect(ms).toBeGreaterThanOrEqual(450);
      expect(ms).toBeLessThan(3000); // Node's own header timeout would take about a minute
    }
    await sleep(300);
    expect((await client.ping()).type).toBe("pong");
    expect(await healthz(relay.httpUrls[0])).toBe(200);
    expect(await metric(relay.httpUrls[0], /^relay_sockets_refused_total\{reason="upgrade_timeout"\} (\d+)$/m)).toBe(2);
  });

  it("refuses upgrades with 503 once established connections leave less than half of the reserve, and still answers /healthz", async () => {
    const relay = await startRelayProcess({ nofile: 112, env: { RELAY_AUTH_TIMEOUT_MS: "120000" } });
    let refused = 0;
    for (let i = 0; i < 100 && refused === 0; i++) {
      try {
        await connect(relay.wsUrls[0], { authenticate: false });
      } catch (error) {
        expect((error as Error).message).toContain("upgrade refused with HTTP 503");
        refused++;
      }
    }
    expect(refused, "an upgrade refused before the limit").toBe(1);
    expect(await healthz(relay.httpUrls[0])).toBe(200);
    expect(await metric(relay.httpUrls[0], /^relay_sockets_refused_total\{reason="fd_limit"\} (\d+)$/m)).toBe(1);
    expect(await metric(relay.httpUrls[0], /^process_open_fds (\d+)$/m)).toBeLessThan(112);
  });

  it("reads RELAY_UPGRADE_TIMEOUT_MS and RELAY_FD_RESERVE with their defaults, and refuses bad values naming the variable", () => {
    expect(readRelayConfig({})).toMatchObject({ upgradeTimeoutMs: 5000, fdReserve: 32 });
    expect(readRelayConfig({ RELAY_UPGRADE_TIMEOUT_MS: "800", RELAY_FD_RESERVE: "0" })).toMatchObject({ upgradeTimeoutMs: 800, fdReserve: 0 });
    expect(() => readRelayConfig({ RELAY_UPGRADE_TIMEOUT_MS: "5" })).toThrow(ConfigError);
    expect(() => readRelayConfig({ RELAY_FD_RESERVE: "-1" })).toThrow(/RELAY_FD_RESERVE="-1" is not valid; allowed: an integer from 0 to 1000000/);
  });
});
