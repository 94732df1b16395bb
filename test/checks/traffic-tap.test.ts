import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../harness/environments/local/free-port.ts";
import { readCapture, TrafficTap, type CaptureRecord } from "../../harness/environments/traffic-tap.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tap-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function listen(onConnection: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const open = new Set<Socket>();
  const server = createServer((s) => {
    open.add(s);
    s.on("close", () => open.delete(s));
    onConnection(s);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  cleanups.push(() => {
    for (const s of open) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0 };
}

async function startTap(port: number): Promise<TrafficTap> {
  const tap = await TrafficTap.start({ name: "proxy-1", file: join(tempDir(), "proxy-1.tap"), upstream: () => ({ host: "127.0.0.1", port }) });
  cleanups.push(() => tap.stop());
  return tap;
}

async function records(file: string): Promise<CaptureRecord[]> {
  const out: CaptureRecord[] = [];
  for await (const item of readCapture(file)) if ("type" in item) out.push(item);
  return out;
}

/** Connects to the tap; resolves with every byte received and how the connection ended. */
function exchange(port: number, send: Buffer[], opts: { endAfterSend?: boolean } = {}): Promise<{ received: Buffer; ended: "fin" | string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const parts: Buffer[] = [];
    let how = "fin";
    socket.on("connect", () => {
      for (const b of send) socket.write(b);
      if (opts.endAfterSend ?? true) socket.end();
    });
    socket.on("data", (d: Buffer) => parts.push(d));
    socket.on("error", (e: NodeJS.ErrnoException) => (how = e.code ?? e.message));
    socket.on("close", () => resolve({ received: Buffer.concat(parts), ended: how }));
  });
}

describe("traffic tap", () => {
  it("forwards both ways byte for byte through a real echo server and records both directions", async () => {
    const echo = await listen((s) => s.pipe(s));
    const tap = await startTap(echo.port);
    const payload = [Buffer.from("hello "), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) & 255)), Buffer.from([0, 255, 13, 10])];
    const sent = Buffer.concat(payload);
    const { received, ended } = await exchange(tap.port, payload);
    expect(ended).toBe("fin");
    expect(received.equals(sent)).toBe(true);
    await tap.stop();
    const recs = await records(tap.file);
    expect(recs[0]).toMatchObject({ type: "open", connection: 1 });
    const c2s = Buffer.concat(recs.filter((r) => r.type === "c2s").map((r) => r.data));
    const s2c = Buffer.concat(recs.filter((r) => r.type === "s2c").map((r) => r.data));
    expect(c2s.equals(sent)).toBe(true);
    expect(s2c.equals(sent)).toBe(true);
    expect(recs.filter((r) => r.type === "close").map((r) => JSON.parse(r.data.toString()).side).sort()).toEqual(["client", "upstream"]);
    expect(recs.every((r, i) => i === 0 || r.t >= recs[i - 1].t)).toBe(true);
  });

  it("gives the client a connection error when the upstream refuses", async () => {
    const tap = await startTap(await freePort());
    const { received, ended } = await exchange(tap.port, [Buffer.from("anyone there?")], { endAfterSend: false });
    expect(received.length).toBe(0);
    expect(ended).toBe("ECONNRESET");
    await tap.stop();
    const closes = (await records(tap.file)).filter((r) => r.type === "close").map((r) => JSON.parse(r.data.toString()));
    expect(closes).toContainEqual({ side: "upstream", how: "ECONNREFUSED" });
  });

  it("passes an upstream reset on as a reset and an upstream FIN on as a FIN", async () => {
    const resetting = await listen((s) => s.once("data", () => s.resetAndDestroy()));
    const closing = await listen((s) => s.once("data", () => s.end("bye")));
    const resetTap = await startTap(resetting.port);
    const finTap = await startTap(closing.port);
    expect((await exchange(resetTap.port, [Buffer.from("x")], { endAfterSend: false })).ended).toBe("ECONNRESET");
    const fin = await exchange(finTap.port, [Buffer.from("x")], { endAfterSend: false });
    expect(fin.received.toString()).toBe("bye");
    expect(fin.ended).toBe("fin");
  });

  it("stop() closes open connections and leaves a readable capture", async () => {
    const silent = await listen(() => undefined);
    const tap = await startTap(silent.port);
    const pending = exchange(tap.port, [Buffer.from("waiting")], { endAfterSend: false });
    await new Promise((r) => setTimeout(r, 100));
    await tap.stop();
    await pending;
    const recs = await records(tap.file);
    expect(Buffer.concat(recs.filter((r) => r.type === "c2s").map((r) => r.data)).toString()).toBe("waiting");
  });
});
