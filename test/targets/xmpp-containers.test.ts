// Prosody and ejabberd in the containers environment: the image built offline from the installed
// Debian package (or reused, or the official image where a registry answers), the container behind
// Toxiproxy's four paths, controlled as the relay's container is (kill, start, pause, resume), and
// gone after stop. One environment per server for the whole file; then one short surge run on
// containers, Prosody's and the relay's (`npm run chaos -- --scenario surge --env containers`).
// Under CI=true a missing engine, Toxiproxy or server package fails the tests naming the fix.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import { EnvironmentError } from "../../harness/errors.ts";
import type { Environment } from "../../harness/environments/environment.ts";
import { HttpStatusError } from "../../harness/environments/http-get-text.ts";
import { startContainersEnvironment } from "../../harness/environments/containers/containers-environment.ts";
import type { ContainerXmppServer } from "../../harness/environments/containers/container-xmpp-server.ts";
import { RUN_LABEL } from "../../harness/environments/containers/run-labels.ts";
import { envelopeMessage, NS } from "../../harness/protocol/xmpp/stanzas.ts";
import { childOf } from "../../harness/protocol/xmpp/xml.ts";
import { XMPP_DOMAIN } from "../../harness/targets/target.ts";
import { registerAccounts } from "../../harness/targets/xmpp/register-accounts.ts";
import { installedXmppVersion, XMPP_SERVER_SPECS, XMPP_SERVERS, type XmppServerKind } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { loginPlain, probeXmppWebSocket } from "../../harness/targets/xmpp/xmpp-ws-client.ts";
import { OFFICIAL_IMAGES } from "../../harness/toolchain/versions.ts";
import { inCi, requireContainerEngine, requireTool } from "../support/require-tool.ts";
import { readRunFile, runChaos } from "../support/run-chaos.ts";
import { readStoredFiles } from "../support/stored-files.ts";

/** ejabberd's Mnesia disc_only tables (dets) write what they buffered within 3 s */
const DURABLE_AFTER_MS = 3500;
const accountsOf = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ localpart: `${prefix}${i}`, password: `secret-${prefix}-${i}` }));

/** The engine, Toxiproxy (its image is built from the binary where no registry answers) and the server's package. */
async function requireAll(kind: XmppServerKind, ctx: TestContext): Promise<void> {
  await requireContainerEngine(ctx);
  await requireTool("toxiproxy-server", ctx);
  if (await installedXmppVersion(kind)) return;
  const spec = XMPP_SERVER_SPECS[kind];
  const message = `${kind} is not installed (Debian package ${spec.debianPackage}): its image is built offline from it`;
  if (inCi()) throw new EnvironmentError(message, spec.installCommand);
  process.stderr.write(`\nSKIPPED (not in CI): ${ctx.task.name}\n  ${message}\n  fix: ${spec.installCommand}\n\n`);
  ctx.skip(message);
}

async function runContainers(runId: string): Promise<string[]> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  return (await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } })).map((c) => `${c.Image} ${c.State}`);
}

async function answers(url: string, timeoutMs = 2000): Promise<boolean> {
  return probeXmppWebSocket(url, XMPP_DOMAIN, timeoutMs).then(() => true, () => false);
}

for (const kind of XMPP_SERVERS) {
  describe(`${kind} in the containers environment`, () => {
    const runId = `test-xmpp-containers-${kind}-${process.pid}`;
    const lines: string[] = [];
    let env: Environment | null = null;
    const population = accountsOf("pop", 20);
    let registeredAt = 0;
    const started = async (): Promise<{ env: Environment; server: ContainerXmppServer }> => {
      if (!env) {
        const logDir = mkdtempSync(join(tmpdir(), `xmpp-containers-${kind}-`));
        const t0 = Date.now();
        env = await startContainersEnvironment({ runId, logDir, relayEnv: {}, certificate: null, log: (l) => lines.push(l), target: kind });
        console.log(`[${kind}] environment up in ${Date.now() - t0} ms:\n  ${lines.join("\n  ")}`);
      }
      return { env, server: env.relay as ContainerXmppServer };
    };
    afterAll(async () => {
      await env?.stop();
    });

    it("builds its image offline (or reuses it) and answers the XMPP WebSocket handshake on both mapped ports and through the four paths", async (ctx) => {
      await requireAll(kind, ctx);
      const { env, server } = await started();
      const image = env.versions[`${kind}Image`];
      const installed = await installedXmppVersion(kind);
      if (image === OFFICIAL_IMAGES[kind]) expect(env.target).toEqual({ name: kind, version: OFFICIAL_IMAGES[kind].split(":").pop() });
      else {
        expect(image).toMatch(new RegExp(`^e2ee-chaos/${kind}:[0-9a-f]{16}$`));
        expect(env.target).toEqual({ name: kind, version: installed });
      }
      expect(env.kind).toBe("containers");
      expect(env.versions).toMatchObject({ target: kind, [kind]: env.target.version });
      expect(lines.some((l) => l.startsWith(`starting ${kind} container (${image}`))).toBe(true);
      for (const url of [server.url(0), server.url(1)]) expect(await answers(url), url).toBe(true);
      expect(env.paths.map((p) => [p.name, new URL(p.url).pathname])).toEqual([["direct-a", "/xmpp-websocket"], ["direct-b", "/xmpp-websocket"], ["proxy-1", "/xmpp-websocket"], ["proxy-2", "/xmpp-websocket"]]);
      for (const path of env.paths) expect(await answers(path.url, 5000), path.url).toBe(true);
      // no /metrics and no journal: "not available", told apart from "down"
      await expect(server.metrics()).rejects.toBeInstanceOf(HttpStatusError);
      await expect(server.metrics()).rejects.toThrow(/no \/metrics/);
      await expect(server.journal()).rejects.toBeInstanceOf(HttpStatusError);
      await expect(server.journal()).rejects.toThrow(/keeps no message journal/);
      expect(await server.logs()).not.toBe("");
    });

    it("registers accounts and logs them in through Toxiproxy paths", async (ctx) => {
      await requireAll(kind, ctx);
      const { env } = await started();
      expect(await registerAccounts({ url: env.paths[0].url, domain: XMPP_DOMAIN, accounts: population })).toEqual({ registered: 20, existed: 0 });
      registeredAt = Date.now();
      const { client, jid } = await loginPlain({ url: env.paths[3].url, domain: XMPP_DOMAIN, ...population[7] });
      client.close();
      expect(jid).toMatch(/^pop7@localhost\//);
      await expect(loginPlain({ url: env.paths[1].url, domain: XMPP_DOMAIN, localpart: "pop7", password: "wrong" })).rejects.toThrow(/pop7@localhost refused: <failure> not-authorized/);
    });

    it("keeps a message for an offline user through a kill and start of the container, and delivers it at login with <delay/>", async (ctx) => {
      await requireAll(kind, ctx);
      const { env, server } = await started();
      const [alice, bob] = [population[0], population[1]];
      const sender = await loginPlain({ url: env.paths[0].url, domain: XMPP_DOMAIN, ...alice });
      sender.client.send(envelopeMessage("m1", `${bob.localpart}@${XMPP_DOMAIN}`, "c2VjcmV0"));
      // the answer to a ping after it says the message was routed (to Bob's offline store)
      sender.client.send(`<iq xmlns="${NS.client}" type="get" id="ping1"><ping xmlns="urn:xmpp:ping"/></iq>`);
      for (let el = await sender.client.next(5000, "ping answer"); el.attrs.id !== "ping1"; el = await sender.client.next(5000, "ping answer"));
      sender.client.close();
      await new Promise((r) => setTimeout(r, Math.max(DURABLE_AFTER_MS, registeredAt + DURABLE_AFTER_MS - Date.now())));

      await server.kill();
      expect(await server.usage()).toBeNull();
      expect(await answers(env.paths[0].url, 1500)).toBe(false);
      await expect(server.metrics()).rejects.not.toBeInstanceOf(HttpStatusError); // down, not "no metrics"
      const t0 = Date.now();
      await server.start();
      console.log(`[${kind}] container restarted after SIGKILL, both listeners answering, in ${Date.now() - t0} ms`);
      for (const url of [server.url(0), server.url(1)]) expect(await answers(url), url).toBe(true);

      const receiver = await loginPlain({ url: env.paths[2].url, domain: XMPP_DOMAIN, ...bob, presence: true });
      try {
        let message;
        for (;;) {
          const el = await receiver.client.next(10_000, "the offline message m1");
          if (el.localName === "message" && el.attrs.id === "m1") {
            message = el;
            break;
          }
        }
        expect(message.attrs.from).toMatch(new RegExp(`^${alice.localpart}@${XMPP_DOMAIN}`));
        expect(childOf(message, "e2e", NS.envelope)?.text).toBe("c2VjcmV0");
        expect(childOf(message, "delay", NS.delay), "offline delivery carries <delay/>").toBeDefined();
      } finally {
        receiver.client.close();
      }
    });

    it("stops answering while paused, and answers again after resume", async (ctx) => {
      await requireAll(kind, ctx);
      const { env, server } = await started();
      await server.pause();
      expect(await answers(server.url(0), 1500)).toBe(false);
      await expect(server.metrics()).rejects.toThrow(/paused/);
      await server.resume();
      expect(await answers(server.url(0), 5000)).toBe(true);
      const { client } = await loginPlain({ url: env.paths[1].url, domain: XMPP_DOMAIN, ...population[12] });
      client.close();
    });

    it("reports its CPU and memory from the engine's stats, and its data files", async (ctx) => {
      await requireAll(kind, ctx);
      const { server } = await started();
      const usage = await server.usage();
      console.log(`[${kind}] usage: ${JSON.stringify(usage)}`);
      expect(usage!.cpuSeconds).toBeGreaterThan(0);
      expect(usage!.rssMb).toBeGreaterThan(1);
      const files = await readStoredFiles(server.storedFiles());
      const names = files.map((f) => f.name);
      console.log(`[${kind}] ${files.length} stored files, e.g. ${names.slice(0, 6).join(", ")}`);
      expect(names).toContain(`${kind} data: ${kind === "prosody" ? "prosody.cfg.lua" : "ejabberd.yml"}`);
      if (kind === "prosody") {
        // one file per account, and Bob's offline store emptied by the delivery
        expect(names).toContain("prosody data: store/localhost/accounts/pop0.dat");
        expect(names).toContain("prosody data: logs/prosody.log");
      } else {
        expect(names).toContain("ejabberd data: store/passwd.DAT");
        expect(names).toContain("ejabberd data: logs/ejabberd.log");
      }
      expect(names).toContain(`${kind} log: container output`);
      expect(files.every((f) => f.bytes.length === f.size)).toBe(true);
    });

    it("refuses a configuration with a syntax error: EnvironmentError naming the file and the server's complaint, nothing of that run left", async (ctx) => {
      await requireAll(kind, ctx);
      await started(); // the image exists
      const dir = mkdtempSync(join(tmpdir(), `xmpp-containers-badcfg-${kind}-`));
      const configFile = join(dir, kind === "prosody" ? "broken.cfg.lua" : "broken.yml");
      writeFileSync(configFile, kind === "prosody"
        ? `run_as_root = true\nhttp_ports = { {{PORT_1}}, {{PORT_2}}\nVirtualHost "{{DOMAIN}}"\n`
        : `hosts:\n  - "{{DOMAIN}}"\nlisten:\n  - port: [{{PORT_1}}\n`);
      const badRun = `${runId}-badcfg`;
      const error = await startContainersEnvironment({ runId: badRun, logDir: dir, relayEnv: {}, certificate: null, log: () => undefined, target: kind, targetConfig: configFile }).then(async (e) => {
        await e.stop();
        return null;
      }, (e: unknown) => e);
      console.log(`[${kind}] a broken configuration: ${(error as Error).message.split("\n")[0]}`);
      expect(error).toBeInstanceOf(EnvironmentError);
      const message = (error as Error).message;
      expect(message).toContain(configFile);
      expect(message).toMatch(/exited \(exit code \d+\)/);
      expect(message).toMatch(kind === "prosody" ? /'}' expected/ : /Syntax error/i);
      expect((error as EnvironmentError).fix).toContain(configFile);
      expect(await runContainers(badRun)).toEqual([]);
    });

    it("leaves no container of the run after stop", async (ctx) => {
      await requireAll(kind, ctx);
      const { env } = await started();
      expect((await runContainers(runId)).length).toBe(2); // the server and Toxiproxy
      await env.stop();
      await env.stop(); // twice is fine
      expect(await runContainers(runId)).toEqual([]);
    });
  });
}

/** The surge, short, on each target (issue 24): 5 users of 5 one-time prekeys against about 20 bundle fetches on Prosody, 8 against about 40 on the relay (its stock runs out too). */
const SURGE_ON_CONTAINERS = [
  { name: "surge-prosody", target: "prosody", users: 5, contacts: 2 },
  { name: "surge-relay", target: "relay", users: 8, contacts: 3 },
].map(({ name, target, users, contacts }) => ({
  name, target, scenario: "surge", users, rate: 3, warmup: "2s", duration: "5s", drain: "4s",
  k6Env: { SURGE_FROM_PER_S: "2", SURGE_PEAK_PER_S: "5", SURGE_CONTACTS: String(contacts), SURGE_MAX_VUS: "30" },
}));

interface SurgeRun {
  environment: { kind: string; versions: Record<string, string> };
  scenarios: {
    name: string; status: string; target: { name: string; version: string }; figures: {
      messages: { sent: number; delivered: number; lostAfterAck: number };
      surge: { signUps: number; accepted: number; firstMessageUndelivered: number; firstMessageMs: { count: number }; prekeyFetches: number; oneTimePrekeysExhausted: number; oneTimePrekeysHandedOutTwice: number; droppedIterations: number | null; clientPicked: { pickedTwice: number; refusedAfterGrace: number } | null; relayPrekeyLog: { available: boolean; handedOutTwice?: number; handedOut?: number } };
    };
  }[];
}

describe("npm run chaos --env containers: the surge against Prosody's and the relay's containers", () => {
  it("every newcomer that registered got its first message across; no one-time prekey handed out twice; exhausted ones counted; k6's dropped sign-ups counted", async (ctx) => {
    await requireAll("prosody", ctx);
    await requireTool("k6", ctx);
    const dir = mkdtempSync(join(tmpdir(), "chaos-surge-containers-"));
    const suite = join(dir, "short.json");
    writeFileSync(suite, JSON.stringify({ name: "surge-containers", scenarios: SURGE_ON_CONTAINERS }));
    const run = await runChaos(["--suite", suite, "--env", "containers", "--reports", dir], { CHAOS_ENV: undefined, CHAOS_TARGET: undefined, CHAOS_RELAY_COMMAND: undefined, CHAOS_RELAY_IMAGE: undefined });
    expect([0, 1], `exit code ${run.code}\n${run.out}\n${run.err}`).toContain(run.code);
    expect(run.out).toMatch(/^starting prosody container \(\S+, prosody \S+\) on (podman|docker) /m);
    expect(run.out).toMatch(/^\[surge-prosody\] 5 accounts ready in [\d.]+ s \(5 registered, 0 existed\)$/m);
    const summary = readRunFile<SurgeRun>(run, "summary.json");
    expect(summary.environment.kind).toBe("containers");
    expect(summary.environment.versions.prosodyImage).toBeDefined();
    expect(summary.environment.versions.relayImage).toBeDefined();
    const [prosody, relay] = summary.scenarios;
    expect(prosody.target).toEqual({ name: "prosody", version: summary.environment.versions.prosody });
    expect(relay.target.name).toBe("relay");
    for (const scenario of [prosody, relay]) {
      const surge = scenario.figures.surge;
      console.log(`[${scenario.name} on containers] ${JSON.stringify(surge).slice(0, 600)}`);
      expect(scenario.status, scenario.name).toBe("completed");
      expect(scenario.figures.messages.lostAfterAck, scenario.name).toBe(0);
      expect(surge.signUps, scenario.name).toBeGreaterThan(10);
      expect(surge.accepted, scenario.name).toBe(surge.signUps);
      expect(surge.firstMessageUndelivered, `${scenario.name}: registered, first message never delivered`).toBe(0);
      expect(surge.firstMessageMs.count, scenario.name).toBe(surge.accepted);
      expect(surge.oneTimePrekeysExhausted, `${scenario.name}: ${surge.prekeyFetches} fetches, the stock never ran out`).toBeGreaterThan(0);
      // k6's own count of the sign-ups it dropped (its end-of-test summary) is the figure's
      const k6 = JSON.parse(readFileSync(join(run.runDir!, scenario.name, "k6-summary.json"), "utf8")) as { metrics: { dropped_iterations?: { values: { count: number } } } };
      expect(surge.droppedIterations, scenario.name).toBe(k6.metrics.dropped_iterations?.values.count ?? 0);
    }
    // the relay hands each one-time prekey out once (the clients' records and its own log say so);
    // Prosody's newcomers pick from the published bundle: a pick twice is a counted race, never a refusal
    expect(relay.figures.surge.oneTimePrekeysHandedOutTwice).toBe(0);
    expect(relay.figures.surge.relayPrekeyLog).toMatchObject({ available: true, handedOutTwice: 0 });
    expect(prosody.figures.surge.clientPicked!.pickedTwice).toBe(prosody.figures.surge.oneTimePrekeysHandedOutTwice);
    expect(prosody.figures.surge.clientPicked!.refusedAfterGrace).toBe(0);
    expect(prosody.figures.surge.relayPrekeyLog.available).toBe(false);
    expect(await runContainers(/^run (\S+): suite/m.exec(run.out)![1]!)).toEqual([]);
  }, 180_000);
});
