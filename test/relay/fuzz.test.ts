import WebSocket from "ws";
import { afterAll, describe, expect, it } from "vitest";
import { FuzzFrames, seededRandom } from "../support/fuzz-frames.ts";
import { cleanUpRelays, startRelayProcess } from "../support/relay-process.ts";
import { RelayTestClient, createIdentity, randomBody } from "../support/relay-test-client.ts";

const FRAMES = 15_000;
const WARM_UP_FRAMES = 3_000;
const CONNECTIONS = 6;
const RSS_GROWTH_LIMIT_BYTES = 64 * 1024 * 1024;

interface Budget { left: number; sent: number; confirmed: number; closes: Map<number, number>; kinds: Map<string, number> }

const BURST = 12;

/**
 * One fuzzing connection: bursts of fuzz frames, each followed by a ping whose pong confirms the
 * relay processed the burst (frames are handled in order). Ends when the relay closes it.
 */
async function fuzzConnection(url: string, fuzz: FuzzFrames, budget: Budget, authenticate: boolean): Promise<void> {
  const client = await RelayTestClient.connect(url, { authenticate });
  const ws = client.ws;
  const open = (): boolean => ws.readyState === WebSocket.OPEN; // CLOSING counts as gone
  while (open() && budget.left > 0) {
    let burst = 0;
    for (; burst < BURST && budget.left > 0; burst++) {
      const frame = fuzz.next();
      budget.left--;
      budget.sent++;
      budget.kinds.set(frame.kind, (budget.kinds.get(frame.kind) ?? 0) + 1);
      ws.send(frame.data, { binary: frame.binary });
    }
    if (!authenticate) {
      // Before auth a ping is refused too; these connections end by 4400, 4401 or the auth timeout.
      await Promise.race([client.closed, new Promise((r) => setTimeout(r, 20))]);
      continue;
    }
    const t = Math.random();
    const pong = await Promise.race([
      client.waitFor((f) => f.type === "pong" && f.t === t, 10_000, client.frames.length).then(() => true),
      client.closed.then(() => false),
      (ws.send(JSON.stringify({ type: "ping", t })), new Promise<boolean>(() => {})),
    ]);
    if (pong) budget.confirmed += burst;
  }
  if (open()) ws.close(1000);
  // A relay that closed on a protocol error stops reading, so the closing handshake may not finish.
  const code = await Promise.race([client.closed.then((c) => c.code), new Promise<number>((r) => setTimeout(() => { ws.terminate(); r(-1); }, 2000))]);
  budget.closes.set(code, (budget.closes.get(code) ?? 0) + 1);
}

describe("relay fuzzing", () => {
  afterAll(cleanUpRelays);

  it(`survives ${FRAMES} random and mutated frames and still relays messages, with bounded memory`, async () => {
    const relay = await startRelayProcess({ env: { RELAY_RATE_PER_SEC: "500", RELAY_RATE_BURST: "1000", RELAY_AUTH_TIMEOUT_MS: "2000" } });
    const url = relay.wsUrls[0];
    // Warm up the code paths once before the baseline RSS.
    const warmA = await RelayTestClient.connect(url);
    const warmB = await RelayTestClient.connect(url);
    await warmA.publishPrekeys({ oneTime: 5 });
    await warmA.sendAndWait(warmB.userId, randomBody(), "warm-1");
    await warmB.waitForDeliveries(1);
    warmB.ack(["warm-1"]);
    await Promise.all([warmA.close(), warmB.close()]);
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    // printed first, so that a failing run can be repeated whatever fails
    console.log(`fuzz: seed=${seed} (FUZZ_SEED=${seed} repeats these frames)`);
    const targets = await Promise.all(Array.from({ length: 4 }, () => createIdentity()));
    const fuzz = new FuzzFrames(seededRandom(seed), [...targets.map((t) => t.userId), warmA.userId]);
    let connections = 0;
    const round = async (frames: number): Promise<Budget> => {
      const budget: Budget = { left: frames, sent: 0, confirmed: 0, closes: new Map(), kinds: new Map() };
      await Promise.all(Array.from({ length: CONNECTIONS }, async (_, worker) => {
        while (budget.left > 0) {
          connections++;
          await fuzzConnection(url, fuzz, budget, (worker + connections) % 5 !== 0);
        }
      }));
      return budget;
    };
    // A warm-up round grows the heap and allocator arenas to their working size first, so the
    // RSS difference below measures accumulation (a leak), not first-time growth.
    const warmUp = await round(WARM_UP_FRAMES);
    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = relay.rssBytes();
    const heapUsed = async (): Promise<number> =>
      Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(await (await fetch(`${relay.httpUrls[0]}/metrics`)).text())?.[1]);
    const heapBefore = await heapUsed();
    const budget = await round(FRAMES);

    // The relay still serves a normal exchange.
    const alice = await RelayTestClient.connect(url);
    const bob = await RelayTestClient.connect(url);
    expect(await alice.sendAndWait(bob.userId, randomBody(), "after-fuzz")).toMatchObject({ type: "sent" });
    const [delivered] = await bob.waitForDeliveries(1);
    expect(delivered.id).toBe("after-fuzz");
    expect((await fetch(`${relay.httpUrls[0]}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${relay.httpUrls[0]}/metrics`)).text();
    const rejected = [...metrics.matchAll(/^relay_frames_rejected_total\{code="(\w+)"\} (\d+)$/gm)].map((m) => `${m[1]}=${m[2]}`).join(" ");
    await Promise.all([alice.close(), bob.close()]);
    await new Promise((r) => setTimeout(r, 500));
    const rssAfter = relay.rssBytes();
    const heapAfter = await heapUsed();
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    console.log(`fuzz: seed=${seed} warm-up-frames=${warmUp.sent} frames=${budget.sent} confirmed-processed=${budget.confirmed} kinds=${JSON.stringify(Object.fromEntries(budget.kinds))} connections=${connections} closes=${JSON.stringify(Object.fromEntries(budget.closes))} ` +
      `rejected: ${rejected} rss-before=${mb(rssBefore)}MB rss-after=${mb(rssAfter)}MB growth=${mb(rssAfter - rssBefore)}MB (limit ${mb(RSS_GROWTH_LIMIT_BYTES)}MB) ` +
      `heap-used-before=${mb(heapBefore)}MB heap-used-after=${mb(heapAfter)}MB`);
    expect(budget.sent).toBeGreaterThanOrEqual(10_000);
    // Frames that decode but are then refused (a bit-flipped 'to', a bad prekey signature) count
    // towards the 4400 close too, so more fuzz connections end early than when only undecodable
    // frames counted (about 9,000 of 15,000 are confirmed now, 11,000 before).
    expect(budget.confirmed).toBeGreaterThanOrEqual(7_000);
    expect(rssAfter - rssBefore).toBeLessThan(RSS_GROWTH_LIMIT_BYTES);
    expect(relay.stdout()).not.toContain("relay_internal_error");
    expect(await relay.stop("SIGTERM")).toEqual({ code: 0, signal: null });
  });
});
