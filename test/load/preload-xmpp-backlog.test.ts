// The stored backlog over XMPP against a real Prosody: every message counted once the server's <a h/>
// covers it, and a server that refuses to store more (its per-user quota) stops the preload with
// what it said, the count stored so far kept.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../harness/environments/local/free-port.ts";
import { preloadXmppBacklog } from "../../harness/load/preload-xmpp-backlog.ts";
import { LocalXmppServer } from "../../harness/targets/xmpp/local-xmpp-server.ts";
import { requireCommand } from "../support/require-tool.ts";

describe("the XMPP backlog preload against Prosody", () => {
  let server: LocalXmppServer | null = null;
  afterEach(async () => server?.stop());

  async function prosody(extraConfig: Record<string, string> = {}): Promise<string> {
    server = new LocalXmppServer({ kind: "prosody", ports: [await freePort(), await freePort()], dataDir: mkdtempSync(join(tmpdir(), "backlog-data-")), logDir: mkdtempSync(join(tmpdir(), "backlog-log-")), domain: "localhost", extraConfig });
    await server.start();
    return server.urls[0];
  }

  it("stores every message, counted by the server's acknowledgements", async (ctx) => {
    await requireCommand("prosody", "prosody", ctx);
    const lines: string[] = [];
    const figures = await preloadXmppBacklog(await prosody(), "localhost", 2000, (l) => lines.push(l));
    expect(figures).toMatchObject({ messages: 2000, recipients: 50 });
    expect(figures.refused).toBeUndefined();
    expect(lines.at(-1)).toMatch(/^ {2}backlog: 2000\/2000 stored \(\d+\/s, lately \d+\/s\)$/);
  }, 60_000);

  it("stops where the server refuses to store more, saying what it answered", async (ctx) => {
    await requireCommand("prosody", "prosody", ctx);
    // Prosody's internal storage holds at most storage_archive_item_limit messages per user (10,000 by default)
    const figures = await preloadXmppBacklog(await prosody({ storage_archive_item_limit: "4" }), "localhost", 1000, () => undefined);
    expect(figures.refused).toMatch(/^the server bounced message b\d+ to backlog-[0-9a-f]+-to\d+@localhost: \w+\/service-unavailable.*; 200 of 1,000 stored$/);
    // 50 recipients with room for 4 each
    expect(figures.messages).toBe(200);
  }, 60_000);

  it("stops at its time limit, keeping what was stored by then", async (ctx) => {
    await requireCommand("prosody", "prosody", ctx);
    const started = Date.now();
    const figures = await preloadXmppBacklog(await prosody(), "localhost", 1_000_000, () => undefined, { limitMs: 1500 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(figures.refused).toMatch(/^not all stored within 2 s, the time a preload may take \(the server acknowledged \d+\/s lately\); [\d,]+ of 1,000,000 stored$/);
    expect(figures.messages).toBeGreaterThan(0);
    expect(figures.messages).toBeLessThan(1_000_000);
  }, 60_000);

  it("stops at once when the run is interrupted", async (ctx) => {
    await requireCommand("prosody", "prosody", ctx);
    const url = await prosody();
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 500);
    const started = Date.now();
    const figures = await preloadXmppBacklog(url, "localhost", 1_000_000, () => undefined, { signal: interrupt.signal });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(figures.refused).toMatch(/^interrupted; [\d,]+ of 1,000,000 stored$/);
  }, 60_000);
});
