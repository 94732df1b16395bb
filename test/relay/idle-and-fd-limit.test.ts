// Issue 8, item 8: authenticated sockets are pinged and closed when silent; at the descriptor
// limit the relay keeps running and says so in /metrics and on stdout.
import { execFileSync } from "node:child_process";
import { connect as tcpConnect, type Socket } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { cleanUpRelays, startRelayProcess } from "../support/relay-process.ts";
import { clientPool } from "../support/relay-test-client.ts";

describe("relay idle sockets and descriptor limit", () => {
  const { connect, closeAll } = clientPool();
  afterEach(closeAll);
  afterAll(cleanUpRelays);

  it("keeps a socket that answers pings and closes a silent one after RELAY_IDLE_TIMEOUT_MS", async () => {
    const relay = await startRelayProcess({ env: { RELAY_IDLE_TIMEOUT_MS: "600" } });
    const lively = await connect(relay.wsUrls[0]); // the ws client answers pings by itself
    const silent = await connect(relay.wsUrls[0]);
    silent.ws.pause(); // reads nothing: no pong
    await new Promise((r) => setTimeout(r, 2500));
    await lively.ping();
    const metrics = await (await fetch(`${relay.httpUrls[0]}/metrics`)).text();
    expect(metrics).toMatch(/^relay_frames_rejected_total\{code="idle_timeout"\} 1$/m);
    expect(metrics).toMatch(/^relay_connections 1$/m);
    silent.ws.resume();
    expect([4408, 1006]).toContain((await silent.closed).code);
  });

  it("does not ping a client that pings it, and does not close it", async () => {
    const relay = await startRelayProcess({ env: { RELAY_IDLE_TIMEOUT_MS: "600" } });
    const pinging = await connect(relay.wsUrls[0]);
    const answering = await connect(relay.wsUrls[0]);
    const pingsFromRelay = { pinging: 0, answering: 0 };
    pinging.ws.on("ping", () => pingsFromRelay.pinging++);
    answering.ws.on("ping", () => pingsFromRelay.answering++);
    const keepAlive = setInterval(() => pinging.ws.ping(), 100); // more often than a third of the idle timeout
    await new Promise((r) => setTimeout(r, 2000));
    clearInterval(keepAlive);
    expect(pingsFromRelay.answering).toBeGreaterThan(0);
    expect(pingsFromRelay.pinging).toBe(0);
    expect((await pinging.ping()).type).toBe("pong");
  });

  it("survives the descriptor limit and reports it in /metrics and on stdout", async () => {
    // no reserve (RELAY_FD_RESERVE=0): the relay runs into its limit, as a relay without one does (descriptor-pressure.test.ts has the reserve)
    const relay = await startRelayProcess({ env: { RELAY_FD_RESERVE: "0" } });
    expect(relay.started.fdLimit).toBeGreaterThan(0);
    execFileSync("prlimit", ["--pid", String(relay.pid), "--nofile=64:64"]);
    const port = Number(new URL(relay.httpUrls[0]).port);
    const sockets: Socket[] = [];
    for (let i = 0; i < 120; i++) {
      const socket = tcpConnect(port, "127.0.0.1");
      socket.on("error", () => {});
      sockets.push(socket);
    }
    await new Promise((r) => setTimeout(r, 4500)); // held silent sockets: two fd checks
    for (const s of sockets) s.destroy();
    await new Promise((r) => setTimeout(r, 500));
    const metrics = await (await fetch(`${relay.httpUrls[0]}/metrics`)).text();
    expect(Number(/^relay_fd_limit_reached_total (\d+)$/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
    expect(relay.stdout()).toContain('"event":"fd_limit_reached"');
    expect((await fetch(`${relay.httpUrls[0]}/healthz`)).status).toBe(200);
  });
});
