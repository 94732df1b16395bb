// The local environment with an XMPP target: Prosody or ejabberd (the installed Debian package)
// behind the same four Toxiproxy paths as the relay, at its WebSocket path; the population's
// accounts registered in bulk through a path log in with the run's secret; stop() leaves nothing.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startLocalEnvironment } from "../../harness/environments/local/local-environment.ts";
import { registerPopulation } from "../../harness/load/register-population.ts";
import { localpartOf, passwordFor } from "../../harness/protocol/xmpp/jid.ts";
import { XMPP_DOMAIN } from "../../harness/targets/target.ts";
import { installedXmppVersionSync, XMPP_SERVERS } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { requireXmppServer } from "../support/require-tool.ts";
import { loginPlain, probeXmppWebSocket } from "../../harness/targets/xmpp/xmpp-ws-client.ts";
import type { Population } from "../../scenarios/lib/population.ts";

const population = (n: number) => ({ seed: 1, members: Array.from({ length: n }, (_, index) => ({ index, userId: randomBytes(16).toString("base64url"), contacts: [], sessions: [] })) }) as unknown as Population;
const alive = (pid: number) => existsSync(`/proc/${pid}`);

describe.each(XMPP_SERVERS)("the local environment with target %s", (kind) => {
  it("serves the four paths at /xmpp-websocket, registers accounts through them and stops everything", async (ctx) => {
    await requireXmppServer(kind, ctx);
    const logDir = mkdtempSync(join(tmpdir(), `xmpp-env-${kind}-`));
    const lines: string[] = [];
    const env = await startLocalEnvironment({ runId: `test-${kind}`, logDir, relayEnv: { RELAY_RATE_PER_SEC: "1000" }, certificate: null, log: (l) => lines.push(l), target: kind });
    const pids = (env.relay as unknown as { pids(): number[] }).pids();
    try {
      const version = installedXmppVersionSync(kind)!;
      expect(env.target).toEqual({ name: kind, version });
      expect(env.versions).toMatchObject({ target: kind, [kind]: version });
      expect(env.paths.map((p) => [p.name, new URL(p.url).pathname])).toEqual([["direct-a", "/xmpp-websocket"], ["direct-b", "/xmpp-websocket"], ["proxy-1", "/xmpp-websocket"], ["proxy-2", "/xmpp-websocket"]]);
      for (const path of env.paths) await probeXmppWebSocket(path.url, XMPP_DOMAIN, 10_000);
      expect(lines).toContain(`target ${kind}: the suite's relay settings (RELAY_RATE_PER_SEC) are for the relay and are not applied`);

      const users = population(20);
      const progress: string[] = [];
      const accounts = await registerPopulation({ name: "steady", url: env.paths[0].url, domain: XMPP_DOMAIN, server: kind, population: users, log: (l) => progress.push(l) });
      expect([accounts.registered, accounts.existed]).toEqual([20, 0]);
      expect(accounts.secret).toMatch(/^[0-9a-f]{32}$/);
      expect(progress[0]).toBe(`[steady] registering 20 accounts on ${kind} (${env.paths[0].url}, domain ${XMPP_DOMAIN})`);
      expect(progress.at(-1)).toMatch(/^\[steady\] 20 accounts ready in [\d.]+ s \(20 registered, 0 existed\)$/);
      const user = users.members[7].userId;
      const login = await loginPlain({ url: env.paths[3].url, domain: XMPP_DOMAIN, localpart: localpartOf(user), password: passwordFor(accounts.secret, user) });
      expect(login.jid.startsWith(`${localpartOf(user)}@${XMPP_DOMAIN}/`)).toBe(true);
      login.client.close();
    } finally {
      await env.stop();
    }
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(alive), "server processes left running").toEqual([]);
  });
});
