// The behaviour every environment (containers, local) must show, run against a real relay and a
// real Toxiproxy: paths reach the relay, each fault kind takes effect, and heal undoes it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Environment } from "../../harness/environments/environment.ts";
import type { FaultContext } from "../../harness/faults/fault-kind.ts";
import { FAULT_KINDS } from "../../harness/faults/registry.ts";
import { RelayTestClient } from "../support/relay-test-client.ts";

/** "ok" when a client logs in through `url` within `ms`, else why not. */
export async function loginWithin(url: string, ms: number): Promise<string> {
  let client: RelayTestClient | undefined;
  const attempt = RelayTestClient.connect(url).then((c) => (client = c, "ok"), (e: Error) => `failed: ${e.message}`);
  const outcome = await Promise.race([attempt, new Promise<string>((r) => setTimeout(() => r(`no login within ${ms} ms`), ms))]);
  void attempt.then(() => client?.ws.terminate());
  return outcome;
}

function fault(env: Environment, kind: string, paths: string[], params: Record<string, number | string> = {}, direction: FaultContext["direction"] = "downstream"): { inject(): Promise<void>; heal(): Promise<void> } {
  const k = FAULT_KINDS[kind];
  const defaults = Object.fromEntries(Object.entries(k.params).map(([n, s]) => [n, s.default!]));
  const ctx: FaultContext = { env, paths, direction, toxicity: 1, params: { ...defaults, ...params }, name: `test-${kind}` };
  return { inject: () => k.inject(ctx), heal: () => k.heal(ctx) };
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
      const reset = fault(env, "reset", ["direct-a"]);
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
      const roundTrip = async () => {
        const t = performance.now();
        await client.ping();
        return performance.now() - t;
      };
      const before = await roundTrip();
      const latency = fault(env, "latency", ["proxy-1"], { latencyMs: 300 });
      await latency.inject();
      const during = await roundTrip();
      await latency.heal();
      const after = await roundTrip();
      client.ws.terminate();
      expect(during, `ping round trip with 300 ms downstream latency (before ${before.toFixed(0)} ms)`).toBeGreaterThanOrEqual(300);
      expect(during).toBeLessThan(300 + 250);
      expect(after).toBeLessThan(150);
    });

    it("relay-crash takes the relay down until heal, and no acknowledged message is lost", async () => {
      const alice = await RelayTestClient.connect(url("direct-a"));
      const bob = await RelayTestClient.connect(url("direct-a"));
      const bobId = bob.userId;
      bob.ws.terminate();
      const sent = await alice.sendAndWait(bobId);
      expect(sent.type).toBe("sent");
      const crash = fault(env, "relay-crash", []);
      await crash.inject();
      await alice.closed;
      expect(await loginWithin(url("direct-a"), 3000)).not.toBe("ok");
      await crash.heal();
      const back = await RelayTestClient.connect(url("proxy-2"), { identity: bob.identity });
      const [delivered] = await back.waitForDeliveries(1);
      expect(delivered.id).toBe((sent as { id: string }).id);
      back.ws.terminate();
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
      const stored = await env.relay.storedFiles();
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
