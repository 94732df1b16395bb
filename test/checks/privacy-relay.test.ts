// End to end: the real relay and toxiproxy-server, a tap in front of each volunteer proxy path,
// two users exchanging E2E-encrypted messages whose plaintexts carry canaries. What the proxy
// forwarded holds ciphertext only; one plaintext frame through the same tap makes the check fail.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privacyCheck, type Finding } from "../../harness/checks/privacy-check.ts";
import type { Environment } from "../../harness/environments/environment.ts";
import { startLocalEnvironment } from "../../harness/environments/local/local-environment.ts";
import { tapPaths, type TappedEnvironment } from "../../harness/environments/tap-paths.ts";
import { fromUtf8, toBase64, utf8 } from "../../harness/protocol/bytes.ts";
import type { PrekeyBundle } from "../../harness/protocol/frames.ts";
import { createIdentity, exportIdentity, type Identity } from "../../harness/protocol/identity.ts";
import { createPrekeyRing, exportPrekeyRing, publishFields } from "../../harness/protocol/prekeys.ts";
import { SessionManager } from "../../harness/protocol/session.ts";
import type { PopulationMember } from "../../scenarios/lib/population.ts";
import { requireTool } from "../support/require-tool.ts";
import { RelayTestClient, type TestIdentity } from "../support/relay-test-client.ts";

const RUN = "20260101-000000-privacy-relay";
let logDir: string;
let inner: Environment | null = null;
let env: TappedEnvironment | null = null;

beforeAll(async () => {
  await requireTool("toxiproxy-server");
  logDir = mkdtempSync(join(tmpdir(), "privacy-relay-"));
  inner = await startLocalEnvironment({ runId: RUN, logDir, relayEnv: {}, certificate: null, log: () => undefined });
  env = await tapPaths(inner, (p) => p.kind === "proxy", join(logDir, "captures"));
});

afterAll(async () => {
  await env?.stop();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

interface User { member: PopulationMember; identity: Identity; client: RelayTestClient; sessions: SessionManager }

async function user(index: number, url: string): Promise<User> {
  const identity = await createIdentity();
  const ring = await createPrekeyRing(identity, 5);
  // exported before any session consumes a one-time prekey: the check looks for all of them
  const member: PopulationMember = { index, userId: identity.userId, identity: await exportIdentity(identity), prekeys: await exportPrekeyRing(ring), contacts: [], sessions: [] };
  const publicKey = await crypto.subtle.importKey("raw", identity.signingPublic.slice().buffer as ArrayBuffer, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  const testIdentity: TestIdentity = { signing: { privateKey: identity.signingKey, publicKey }, signingKey: toBase64(identity.signingPublic), userId: identity.userId };
  const client = await RelayTestClient.connect(url, { identity: testIdentity });
  const published = client.waitFor((f) => f.type === "prekeys_ok");
  client.sendFrame({ type: "publish_prekeys", reqId: "publish", ...publishFields(identity, ring) });
  await published;
  const sessions = new SessionManager(identity, ring, async (userId) => {
    const bundle = await client.fetchPrekeys(userId);
    if (bundle.type !== "prekey_bundle") throw new Error(`no prekeys for ${userId}: ${bundle.message}`);
    return bundle as PrekeyBundle;
  });
  return { member, identity, client, sessions };
}

const canaryText = (id: string) => JSON.stringify({ canary: `CANARY-${RUN}-${id}`, sentAt: Date.now(), pad: "x".repeat(64) });

async function exchange(from: User, to: User, ids: string[]): Promise<void> {
  const before = to.client.delivered.length;
  for (const id of ids) {
    const body = await from.sessions.encrypt(to.identity.userId, id, utf8(canaryText(id)));
    expect((await from.client.sendAndWait(to.identity.userId, body, id)).type).toBe("sent");
  }
  const delivered = (await to.client.waitForDeliveries(before + ids.length)).slice(before);
  for (const d of delivered) expect(fromUtf8(await to.sessions.decrypt(d.from, d.id, d.body))).toContain(`CANARY-${RUN}-${d.id}`);
  to.client.ack(delivered.map((d) => d.id));
}

describe("privacy of what a volunteer proxy forwards (real relay, real toxiproxy, tapped proxy path)", () => {
  it("sees only ciphertext in E2E traffic, and catches one plaintext frame sent through the same tap", async () => {
    const tapped = env!;
    const proxy = tapped.paths.find((p) => p.name === "proxy-1")!;
    expect(proxy.url).not.toBe(inner!.paths.find((p) => p.name === "proxy-1")!.url);
    expect(proxy.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(tapped.paths.filter((p) => p.kind === "direct")).toEqual(inner!.paths.filter((p) => p.kind === "direct"));
    expect(tapped.captures().map((c) => c.path)).toEqual(["proxy-1", "proxy-2"]);

    const alice = await user(0, proxy.url);
    const bob = await user(1, proxy.url);
    await exchange(alice, bob, ["0.1", "0.2", "0.3", "0.4", "0.5"]);
    await exchange(bob, alice, ["1.1", "1.2", "1.3"]);
    await exchange(alice, bob, ["0.6"]);
    const population = { members: [alice.member, bob.member] };
    const metrics = await tapped.relay.metrics();
    await tapped.flushCaptures();

    const clean = await privacyCheck({ runId: RUN, population, captures: tapped.captures(), extraTexts: [{ name: "relay.log", text: readFileSync(join(logDir, "relay.log"), "utf8") }, { name: "relay metrics", text: metrics }] });
    expect(clean.details.findings).toEqual([]);
    expect(clean.status).toBe("pass");
    const [proxy1, proxy2] = clean.details.captures as { path: string; connections: number; websocketConnections: number; frames: number; bytes: { clientToServer: number } }[];
    expect(proxy1).toMatchObject({ path: "proxy-1", connections: 2, websocketConnections: 2 });
    expect(proxy1.frames).toBeGreaterThan(30);
    expect(proxy2.connections).toBe(0);

    // one client forgets to encrypt: once in clear, once merely base64-encoded
    alice.client.sendFrame(JSON.stringify({ type: "send", id: "0.7", to: bob.identity.userId, body: canaryText("0.7") }));
    expect((await alice.client.sendAndWait(bob.identity.userId, toBase64(utf8(canaryText("0.8"))), "0.8")).type).toBe("sent");
    await bob.client.waitForDeliveries(7); // 6 encrypted and the base64 one; the clear-text body is not base64, so the relay refuses it
    await alice.client.close();
    await bob.client.close();
    await tapped.flushCaptures();

    const leaked = await privacyCheck({ runId: RUN, population, captures: tapped.captures() });
    expect(leaked.status).toBe("fail");
    const findings = leaked.details.findings as Finding[];
    expect(findings.map((f) => [f.source, f.connection, f.direction, f.found === "canary" ? f.encoding : f.found, f.canary ?? null])).toEqual([
      ["proxy-1", 1, "client-to-server", "text", `CANARY-${RUN}-0.7`],
      ["proxy-1", 1, "client-to-server", "base64", null],
      ["proxy-1", 2, "server-to-client", "base64", null],
    ]);
  });

  it("passes a blocked proxy (Toxiproxy proxy disabled) on to the client as a connection error, and recovers after the heal", async () => {
    const tapped = env!;
    const url = tapped.paths.find((p) => p.name === "proxy-2")!.url;
    await tapped.network.setEnabled("proxy-2", false);
    try {
      await expect(RelayTestClient.connect(url)).rejects.toThrow(/ECONNRESET|socket hang up/);
    } finally {
      await tapped.network.reset();
    }
    const client = await RelayTestClient.connect(url);
    expect((await client.ping()).type).toBe("pong");
    await client.close();
  });
});
