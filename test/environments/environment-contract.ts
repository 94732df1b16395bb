// The behaviour every environment (containers, local) must show, run against a real relay and a
// real Toxiproxy: paths reach the relay, each fault kind takes effect (measured on the wire), and
// heal undoes it. Timings compare medians or physical floors with a baseline taken in the same test.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../../harness/environments/environment.ts";
import type { FaultContext } from "../../harness/faults/fault-kind.ts";
import { FAULT_KINDS } from "../../harness/faults/registry.ts";
import { medianMs } from "../support/median-timing.ts";
import { RelayTestClient, randomBody } from "../support/relay-test-client.ts";
import { readStoredFiles } from "../support/stored-files.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `count` messages of `bytes` from one client to another: ms until the last arrived, and the bytes that carried them. */
async function timedDeliveries(from: RelayTestClient, to: RelayTestClient, count: number, bytes: number): Promise<{ ms: number; wireBytes: number }> {
  const already = to.delivered.length;
  let wireBytes = 0;
  const tally = (data: Buffer) => void (wireBytes += data.length);
  to.ws.on("message", tally);
  const started = performance.now();
  for (let i = 0; i < count; i++) from.send(to.userId, randomBody(bytes));
  await to.waitForDeliveries(already + count, 30_000);
  const ms = performance.now() - started;
  to.ws.off("message", tally);
  return { ms, wireBytes };
}

/** "ok" when a client logs in through `url` within `ms`, else why not. */
export async function loginWithin(url: string, ms: number): Promise<string> {
  let client: RelayTestClient | undefined;
  const attempt = RelayTestClient.connect(url).then((c) => (client = c, "ok"), (e: Error) => `failed: ${e.message}`);
  const outcome = await Promise.race([attempt, new Promise<string>((r) => setTimeout(() => r(`no login within ${ms} ms`), ms))]);
  void attempt.then(() => client?.ws.terminate());
  return outcome;
}

/** One fault kind on `paths`, with every setting it reads given here (no defaults taken from the kind). */
function fault(env: Environment, kind: string, paths: string[], settings: Record<string, number | string> = {}, direction: FaultContext["direction"] = "downstream"): { inject(): Promise<void>; heal(): Promise<void> } {
  const k = FAULT_KINDS[kind];
  const ctx: FaultContext = { env, paths, direction, toxicity: 1, params: settings, name: `test-${kind}` };
  return { inject: () => k.inject(ctx), heal: () => k.heal(ctx) };
}

/** `measure` before the fault, while it is on, and after its heal. */
async function acrossFault<T>(f: { inject(): Promise<void>; heal(): Promise<void> }, measure: () => Promise<T>): Promise<{ before: T; during: T; after: T }> {
  const before = await measure();
  await f.inject();
  const during = await measure();
  await f.heal();
  return { before, during, after: await measure() };
}

export function describeEnvironment(kind: string, start: (logDir: string) => Promise<Environment>, title = `the ${kind} environment`): void {
  describe(title, () => {
    let env: Environment;
    const url = (name: string) => env.paths.find((p) => p.name === name)!.url;

    beforeAll(async () => {
      env = await start(mkdtempSync(join(tmpdir(), `env-${kind}-`)));
    });
    afterAll(async () => {
      await env?.stop();
    });

    it("offers two direct paths and two proxy paths, each reaching the relay", async () => {
      expect(env.kind).toBe(kind);
      expect(env.paths.map((p) => `${p.name}:${p.kind}`)).toEqual(["direct-a:direct", "direct-b:direct", "proxy-1:proxy", "proxy-2:proxy"]);
      for (const path of env.paths) expect(await loginWithin(path.url, 10_000), path.name).toBe("ok");
      expect(env.versions.toxiproxy).toContain("2.12.0");
    });

    it("reset refuses one path while the others keep working, and heal reopens it", async () => {
      const reset = fault(env, "reset", ["direct-a"], { mode: "refuse", timeoutMs: 0 });
      await reset.inject();
      expect(await loginWithin(url("direct-a"), 5000)).toMatch(/^failed/);
      expect(await loginWithin(url("direct-b"), 5000)).toBe("ok");
      await reset.heal();
      await reset.heal();
      expect(await loginWithin(url("direct-a"), 5000)).toBe("ok");
    });

    it("blackhole lets the connection hang without an answer, and heal restores the path", async () => {
      const blackhole = fault(env, "blackhole", ["direct-b"]);
      await blackhole.inject();
      expect(await loginWithin(url("direct-b"), 2000)).toBe("no login within 2000 ms");
      await blackhole.heal();
      expect(await loginWithin(url("direct-b"), 5000)).toBe("ok");
    });

    it("latency delays the relay's answers on that path by the set amount", async () => {
      const client = await RelayTestClient.connect(url("proxy-1"));
      const latency = fault(env, "latency", ["proxy-1"], { latencyMs: 300, jitterMs: 0 });
      const { before, during, after } = await acrossFault(latency, () => medianMs(5, () => client.ping()));
      client.ws.terminate();
      const medians = `median ping round trip before ${before.toFixed(0)} ms, with 300 ms downstream latency ${during.toFixed(0)} ms, after heal ${after.toFixed(0)} ms`;
      // with the toxic no pong can come back in under 300 ms; without it, most do
      expect(during, medians).toBeGreaterThanOrEqual(300);
      expect(during - before, medians).toBeLessThan(300 + 250);
      expect(after, medians).toBeLessThan(300);
      expect(after - before, medians).toBeLessThan(150);
    });

    // each fault slows a delivery to a floor no busy machine can beat; before it and after its heal, far faster
    const slowedDeliveries: { title: string; kind: string; from: string; to: string; settings: Record<string, number>; messages: number; floorMs: (bytes: number) => number }[] = [
      {
        title: "bandwidth caps the path at rateKBps: deliveries take at least their bytes over the rate, and heal lifts the cap",
        kind: "bandwidth", from: "direct-a", to: "proxy-1", settings: { rateKBps: 32 }, messages: 3, // about 48 KB
        // Toxiproxy holds each chunk for its size over the rate: bytes / (KB/s) = milliseconds
        floorMs: (bytes: number) => bytes / 32,
      },
      {
        title: "slicer cuts the relay's answers into averageSize-byte pieces delayUs apart: a delivery waits for every piece, and heal stops it",
        kind: "slicer", from: "direct-b", to: "proxy-2", settings: { averageSize: 200, sizeVariation: 0, delayUs: 10_000 }, messages: 1, // about 16 KB
        // no piece is larger than 200 bytes and each waits 10 ms
        floorMs: (bytes: number) => (bytes / 200) * 10 * 0.9,
      },
    ];
    for (const t of slowedDeliveries) {
      it(t.title, async () => {
        const alice = await RelayTestClient.connect(url(t.from));
        const bob = await RelayTestClient.connect(url(t.to));
        const { before, during, after } = await acrossFault(fault(env, t.kind, [t.to], t.settings), () => timedDeliveries(alice, bob, t.messages, 12_000));
        alice.ws.terminate();
        bob.ws.terminate();
        const floorMs = t.floorMs(during.wireBytes);
        const seen = `${during.wireBytes} bytes: ${before.ms.toFixed(0)} ms before, ${during.ms.toFixed(0)} ms with ${t.kind} ${JSON.stringify(t.settings)} (at least ${floorMs.toFixed(0)}), ${after.ms.toFixed(0)} ms after heal`;
        expect(during.ms, seen).toBeGreaterThanOrEqual(floorMs);
        expect(before.ms, seen).toBeLessThan(floorMs / 2);
        expect(after.ms, seen).toBeLessThan(floorMs / 2);
      });
    }

    it("relay-crash takes the relay down until heal, and every message acknowledged before the crash is delivered after it", async () => {
      const alice = await RelayTestClient.connect(url("direct-a"));
      const bob = await RelayTestClient.connect(url("direct-a"));
      const bobId = bob.userId;
      bob.ws.terminate();
      const acked = () => alice.frames.filter((f) => f.type === "sent").map((f) => (f as { id: string }).id);
      // a stream of sends (one per 5 ms, under the relay's rate limit) that the crash cuts off
      let sending = true;
      const stream = (async () => {
        while (sending && alice.ws.readyState === alice.ws.OPEN) {
          alice.send(bobId);
          await sleep(5);
        }
      })();
      for (const deadline = Date.now() + 10_000; acked().length < 50 && Date.now() < deadline;) await sleep(10);
      const crash = fault(env, "relay-crash", []);
      await crash.inject();
      await alice.closed;
      sending = false;
      await stream;
      const acknowledged = acked();
      expect(acknowledged.length, "messages acknowledged before the crash").toBeGreaterThanOrEqual(50);
      expect(await loginWithin(url("direct-a"), 3000)).not.toBe("ok");
      await crash.heal();
      const back = await RelayTestClient.connect(url("proxy-2"), { identity: bob.identity });
      const missing = () => acknowledged.filter((id) => !back.delivered.some((d) => d.id === id));
      for (const deadline = Date.now() + 15_000; missing().length > 0 && Date.now() < deadline;) await sleep(50);
      back.ws.terminate();
      expect(missing(), `acknowledged before the crash and never delivered (of ${acknowledged.length})`).toEqual([]);
    });

    it("reports the relay's own CPU and memory (none while it is down) and what it stores: its data directory and its log", async () => {
      const running = await env.relay.usage();
      expect(running?.cpuSeconds).toBeGreaterThan(0);
      expect(running?.rssMb).toBeGreaterThan(10);
      const alice = await RelayTestClient.connect(url("direct-a"));
      const bob = await RelayTestClient.connect(url("direct-b"));
      bob.ws.terminate();
      expect((await alice.sendAndWait(bob.userId)).type).toBe("sent"); // stored for bob
      alice.ws.terminate();
      const stored = await readStoredFiles(env.relay.storedFiles());
      const data = stored.filter((f) => f.name.startsWith("relay data: "));
      expect(data.reduce((n, f) => n + f.bytes.length, 0), stored.map((f) => f.name).join(", ")).toBeGreaterThan(0);
      expect(stored.filter((f) => f.name.startsWith("relay log: ")).map((f) => f.bytes.length)).toEqual([expect.any(Number)]);
      const crash = fault(env, "relay-crash", []);
      await crash.inject();
      expect(await env.relay.usage()).toBeNull();
      await crash.heal();
      expect((await env.relay.usage())?.cpuSeconds).toBeGreaterThan(0);
    });

    it("relay-pause freezes the relay without closing sockets, and heal thaws it", async () => {
      const client = await RelayTestClient.connect(url("direct-a"));
      const pause = fault(env, "relay-pause", []);
      await pause.inject();
      const frozen = await Promise.race([client.ping().then(() => "answered"), new Promise((r) => setTimeout(() => r("silent"), 1500))]);
      expect(frozen).toBe("silent");
      await pause.heal();
      await client.ping();
      client.ws.terminate();
    });

    it("relay-restart stops the relay gracefully (going away), and after the heal it serves again", async () => {
      const client = await RelayTestClient.connect(url("direct-a"));
      const restart = fault(env, "relay-restart", []);
      await restart.inject();
      expect((await client.closed).code).toBe(1001);
      expect(await loginWithin(url("direct-a"), 1_000)).not.toBe("ok");
      await restart.heal();
      expect(await loginWithin(url("direct-a"), 10_000)).toBe("ok");
    });
  });
}
