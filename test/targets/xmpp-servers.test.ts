// Prosody and ejabberd (Debian packages) as local processes controlled like the reference relay:
// real servers on free ports, real in-band registration and SASL PLAIN logins over `ws`.
// Under CI=true a server that is not installed fails its tests naming the apt command.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EnvironmentError } from "../../harness/errors.ts";
import { HttpStatusError } from "../../harness/environments/http-get-text.ts";
import { freePort } from "../../harness/environments/local/free-port.ts";
import { LocalXmppServer, withEjabberdExtra, withProsodyExtra } from "../../harness/targets/xmpp/local-xmpp-server.ts";
import { registerAccounts } from "../../harness/targets/xmpp/register-accounts.ts";
import { XMPP_SERVERS, type XmppServerKind } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { loginPlain, probeXmppWebSocket } from "../../harness/targets/xmpp/xmpp-ws-client.ts";
import { requireXmppServer } from "../support/require-tool.ts";

const DOMAIN = "localhost";
/** dets (ejabberd's Mnesia disc_only tables) writes buffered data within 3 s */
const DURABLE_AFTER_MS = 3500;

/** A server of `kind` on two free ports in a folder of its own, not started yet. */
async function newServer(kind: XmppServerKind, extra: { configFile?: string } = {}): Promise<{ server: LocalXmppServer; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `test-${kind}-`));
  const server = new LocalXmppServer({ kind, ports: [await freePort(), await freePort()], dataDir: join(dir, "data"), logDir: join(dir, "logs"), domain: DOMAIN, ...extra });
  return { server, dir };
}

const accountsOf = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ localpart: `${prefix}${i}`, password: `secret-${prefix}-${i}` }));

async function answers(url: string, timeoutMs = 2000): Promise<boolean> {
  return probeXmppWebSocket(url, DOMAIN, timeoutMs).then(() => true, () => false);
}

async function canLogIn(server: LocalXmppServer, account: { localpart: string; password: string }, urlIndex = 0): Promise<string> {
  const { client, jid } = await loginPlain({ url: server.urls[urlIndex], domain: DOMAIN, ...account });
  client.close();
  return jid;
}

for (const kind of XMPP_SERVERS) {
  describe(`${kind} as a local server under test`, () => {
    let shared: LocalXmppServer | null = null;
    const population = accountsOf("pop", 200);
    let registeredAt = 0;
    const started = async (): Promise<LocalXmppServer> => {
      if (!shared) {
        const { server } = await newServer(kind);
        shared = server;
        const t0 = Date.now();
        await server.start();
        console.log(`[${kind}] ${server.version} started (both listeners answering) in ${Date.now() - t0} ms`);
      }
      return shared;
    };
    afterAll(async () => {
      await shared?.stop();
      expect(shared?.pids() ?? []).toEqual([]);
    });

    it("starts on two free ports, and both answer an XMPP WebSocket handshake", async (ctx) => {
      await requireXmppServer(kind, ctx);
      const server = await started();
      expect(server.version).toMatch(/^\d/);
      expect(server.wsPath).toBe("/xmpp-websocket");
      for (const url of server.urls) expect(await answers(url), url).toBe(true);
      expect(server.pids().length).toBeGreaterThan(0);
      // no /metrics and no journal: "not available", told apart from "down"
      await expect(server.metrics()).rejects.toBeInstanceOf(HttpStatusError);
      await expect(server.metrics()).rejects.toThrow(/no \/metrics/);
      await expect(server.journal()).rejects.toBeInstanceOf(HttpStatusError);
      await expect(server.journal()).rejects.toThrow(/keeps no message journal/);
      expect(await server.logs()).not.toBe("");
    });

    it("registers 200 accounts in band, and one of them logs in with SASL PLAIN", async (ctx) => {
      await requireXmppServer(kind, ctx);
      const server = await started();
      let progress = 0;
      const result = await registerAccounts({ url: server.urls[0], domain: DOMAIN, accounts: population, onProgress: (done, total) => { progress = done; expect(total).toBe(200); } });
      registeredAt = Date.now();
      expect(result).toEqual({ registered: 200, existed: 0 });
      expect(progress).toBe(200);
      expect(await canLogIn(server, population[123], 1)).toMatch(new RegExp(`^pop123@${DOMAIN}/`));
      // a wrong password is refused, naming the account
      await expect(loginPlain({ url: server.urls[0], domain: DOMAIN, localpart: "pop7", password: "wrong" })).rejects.toThrow(/pop7@localhost refused: <failure> not-authorized/);
      // a name the server refuses: the error names the account and the server's stanza error
      const refused = await registerAccounts({ url: server.urls[0], domain: DOMAIN, accounts: [{ localpart: "no@such name", password: "x" }] }).catch((e: unknown) => e as Error);
      console.log(`[${kind}] an invalid localpart: ${refused instanceof Error ? refused.message : JSON.stringify(refused)}`);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toMatch(/^registering no@such name@localhost on ws:\S+ failed: (modify|cancel|auth)\/[a-z-]+/);
      // registering them again: each one exists
      expect(await registerAccounts({ url: server.urls[1], domain: DOMAIN, accounts: population.slice(0, 20) })).toEqual({ registered: 0, existed: 20 });
    });

    // ejabberd answers a registration before Mnesia has it on disk (its disc_only tables are dets
    // files, which buffer writes for up to DURABLE_AFTER_MS): an account registered just before a
    // SIGKILL can be lost. So: accounts registered earlier survive SIGKILL; what survives of those
    // registered right before it is printed, not asserted.
    it("keeps the registered accounts across kill and start (same data directory), and all of them across terminate", async (ctx) => {
      await requireXmppServer(kind, ctx);
      const server = await started();
      await new Promise((r) => setTimeout(r, Math.max(0, registeredAt + DURABLE_AFTER_MS - Date.now())));
      const late = accountsOf("late", 5);
      await registerAccounts({ url: server.urls[0], domain: DOMAIN, accounts: late, concurrency: 1 });
      await server.kill();
      expect(server.pids()).toEqual([]);
      expect(await answers(server.urls[0])).toBe(false);
      await expect(server.metrics()).rejects.not.toBeInstanceOf(HttpStatusError); // down, not "no metrics"
      const t0 = Date.now();
      await server.start();
      console.log(`[${kind}] restarted after SIGKILL in ${Date.now() - t0} ms`);
      for (const account of [population[0], population[199]]) expect(await canLogIn(server, account)).toMatch(new RegExp(`^${account.localpart}@`));
      const survived = await Promise.all(late.map((a) => canLogIn(server, a).then(() => true, () => false)));
      console.log(`[${kind}] accounts registered just before the SIGKILL that survived it: ${survived.filter(Boolean).length} of ${late.length}`);
      await registerAccounts({ url: server.urls[0], domain: DOMAIN, accounts: accountsOf("graceful", 5), concurrency: 1 });
      await server.terminate();
      expect(server.pids()).toEqual([]);
      await server.start();
      expect(await canLogIn(server, population[100], 1)).toMatch(/^pop100@/);
      for (const account of accountsOf("graceful", 5)) expect(await canLogIn(server, account)).toMatch(new RegExp(`^${account.localpart}@`));
    });

    it("stops answering while paused, and answers again after resume", async (ctx) => {
      await requireXmppServer(kind, ctx);
      const server = await started();
      await server.pause();
      expect(await answers(server.urls[0], 1500)).toBe(false);
      await server.resume();
      expect(await answers(server.urls[0], 5000)).toBe(true);
      expect(await canLogIn(server, population[42])).toMatch(/^pop42@/);
    });

    it("registers 1,000 accounts (the time it takes is printed)", async (ctx) => {
      await requireXmppServer(kind, ctx);
      const server = await started();
      const t0 = Date.now();
      const result = await registerAccounts({ url: server.urls[0], domain: DOMAIN, accounts: accountsOf("bulk", 1000) });
      const ms = Date.now() - t0;
      console.log(`[${kind}] 1,000 in-band registrations in ${ms} ms (${Math.round(1000 / (ms / 1000))}/s)`);
      expect(result).toEqual({ registered: 1000, existed: 0 });
      expect(await canLogIn(server, { localpart: "bulk999", password: "secret-bulk-999" })).toMatch(/^bulk999@/);
    });

    it("refuses a configuration file with a syntax error: EnvironmentError naming the file and the server's complaint, nothing left running", async (ctx) => {
      await requireXmppServer(kind, ctx);
      const dir = mkdtempSync(join(tmpdir(), `test-${kind}-badcfg-`));
      const configFile = join(dir, kind === "prosody" ? "broken.cfg.lua" : "broken.yml");
      writeFileSync(configFile, kind === "prosody"
        ? `run_as_root = true\nhttp_ports = { {{PORT_1}}, {{PORT_2}}\nVirtualHost "{{DOMAIN}}"\n`
        : `hosts:\n  - "{{DOMAIN}}"\nlisten:\n  - port: [{{PORT_1}}\n`);
      const { server } = await newServer(kind, { configFile });
      const error = await server.start().then(() => null, (e: unknown) => e);
      try {
        expect(error).toBeInstanceOf(EnvironmentError);
        const message = (error as Error).message;
        expect(message).toContain(configFile);
        expect(message).toMatch(/exited \(exit code \d+\)/);
        expect(message).toMatch(kind === "prosody" ? /'}' expected/ : /Syntax error/);
        expect((error as EnvironmentError).fix).toContain(configFile);
        expect(server.pids()).toEqual([]);
        expect(await answers(server.urls[0], 500)).toBe(false);
      } finally {
        await server.stop();
      }
    });
  });
}

describe("extra configuration settings", () => {
  it("go before Prosody's first VirtualHost (where later assignments win), or at {{EXTRA_CONFIG}}", () => {
    expect(withProsodyExtra(`a = 1\nVirtualHost "x"\n`, { a: "2", b: `"s"` })).toBe(`a = 1\na = 2\nb = "s"\nVirtualHost "x"\n`);
    expect(withProsodyExtra(`a = 1\n{{EXTRA_CONFIG}}\nVirtualHost "x"\n`, { c: "true" })).toBe(`a = 1\nc = true\nVirtualHost "x"\n`);
    expect(withProsodyExtra(`a = 1\n{{EXTRA_CONFIG}}\n`, {})).toBe(`a = 1\n\n`);
  });

  it("replace ejabberd's top-level keys, as YAML", () => {
    const out = withEjabberdExtra(`# keep\nloglevel: info\nhosts:\n  - x\n`, { loglevel: "warning", shaper_rules: "{c2s_shaper: none}" });
    expect(out).toContain("# keep");
    expect(out).toMatch(/^loglevel: warning$/m);
    expect(out).toMatch(/^shaper_rules:\n {2}c2s_shaper: none$/m);
    expect(withEjabberdExtra(`listen: [oops\n`, { loglevel: "debug" })).toBe(`listen: [oops\n`);
  });
});
