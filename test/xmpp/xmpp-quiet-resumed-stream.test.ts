// A resumed XMPP stream that stays quiet, then ends: the k6 driver against both real servers, with
// nothing between k6 and the server but Toxiproxy and a TCP tap (no WebSocket layer that could
// answer pings or close frames in the server's place). After XEP-0198 resumption, Prosody 0.12.3
// answers WebSocket pings and close frames on the stream's first connection, not on the one in
// use (conformance: ws-ping-after-resume, ws-close-after-resume). So the driver checks liveness with
// <r/> once stream management is on, and ends a stream with <close/> before closing the WebSocket:
// - the quiet, resumed connection is not declared dead (no "dropped" after the resumption);
// - k6 ends at once after the stop: k6 v2.2.0 waits without a deadline for the server to answer a
//   WebSocket close, so a close the server never answers would hold it forever;
// - the server closed the resumed connection itself, after the client's <close/>.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture, TrafficTap, type CaptureRecord } from "../../harness/environments/traffic-tap.ts";
import { userIdOfLocalpart } from "../../harness/protocol/xmpp/jid.ts";
import { registerAccounts } from "../../harness/targets/xmpp/register-accounts.ts";
import { XMPP_SERVERS } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { startBlackholedPath } from "../support/blackholed-path.ts";
import { requireTool } from "../support/require-tool.ts";
import { startTestXmppServer } from "../support/xmpp-server.ts";

const LINK = { pingIntervalMs: 500, silenceTimeoutMs: 1500, connectTimeoutMs: 2000 };
/** quiet after the resumption: several ping intervals plus the silence limit */
const QUIET_MS = 5000;
const RUN_MS = 40_000;
/** from the stop until k6 has exited */
const END_WITHIN_MS = 5000;

async function until(what: string, probe: () => boolean, timeoutMs: number, dump: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; k6 events: ${dump()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(XMPP_SERVERS)("a quiet resumed stream against %s, then the end", (kind) => {
  it("stays up through a quiet spell and lets k6 end at once: <r/> for liveness, <close/> before the WebSocket close", async (ctx) => {
    const k6 = await requireTool("k6", ctx);
    const toxiproxyServer = await requireTool("toxiproxy-server", ctx);
    const server = await startTestXmppServer(kind, ctx);
    const dir = mkdtempSync(join(tmpdir(), "xmpp-quiet-"));
    const cleanups: (() => unknown)[] = [() => server.stop(), () => rmSync(dir, { recursive: true, force: true })];
    try {
      const serverPort = Number(new URL(server.url).port);
      const tap = await TrafficTap.start({ name: "path", file: join(dir, "path.cap"), upstream: () => ({ host: "127.0.0.1", port: serverPort }) });
      cleanups.push(() => tap.stop());
      const path = await startBlackholedPath(toxiproxyServer.path, tap.port, server.server.wsPath, server.logDir);
      cleanups.push(() => path.stop());
      const localpart = randomBytes(16).toString("hex");
      const account = { userId: userIdOfLocalpart(localpart), domain: "localhost", localpart, password: `pw-${localpart}` };
      await registerAccounts({ url: server.url, domain: "localhost", accounts: [account] });
      const inputFile = join(dir, "input.json"), consoleFile = join(dir, "console.log");
      writeFileSync(inputFile, JSON.stringify({ url: path.url, account, quietMs: QUIET_MS, runMs: RUN_MS, ...LINK }));

      let exitedAt = 0;
      const run = new Promise<{ error: Error | null; stderr: string }>((resolve) => {
        const child = execFile(k6.path, ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, "-e", `XMPP_INPUT=${inputFile}`, "test/k6/xmpp-quiet-resumed.k6.ts"], { timeout: RUN_MS + 20_000 }, (error, _out, stderr) => {
          exitedAt = Date.now();
          resolve({ error, stderr });
        });
        cleanups.push(() => child.exitCode === null && child.kill("SIGKILL"));
      });
      const events = (): { event: string; t: number }[] => {
        try {
          return readFileSync(consoleFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(JSON.parse(l).msg)).filter((e) => e.quietEvent).map((e) => ({ event: e.quietEvent, t: e.t }));
        } catch {
          return [];
        }
      };
      const dump = () => events().map((e) => e.event).join(" | ");
      const seen = (event: string) => events().some((e) => e.event.startsWith(event));

      await until("login", () => seen("ready 1"), 15_000, dump);
      await path.blackhole();
      await until("the dead path noticed", () => seen("dropped"), 10_000, dump);
      await path.heal();
      await until("the resumption", () => seen("ready 2"), 15_000, dump);
      const { error, stderr } = await run;
      expect(error, `k6 failed: ${stderr}`).toBeNull();

      const log = events();
      const resumedAt = log.find((e) => e.event === "ready 2")!.t;
      const stoppedAt = log.find((e) => e.event === "stop")!.t;
      expect(log.filter((e) => e.t > resumedAt && e.event.startsWith("dropped")).map((e) => e.event), dump()).toEqual([]);
      expect(stoppedAt - resumedAt).toBeGreaterThanOrEqual(QUIET_MS);
      expect(exitedAt - stoppedAt, `k6 ended ${exitedAt - stoppedAt} ms after the stop`).toBeLessThan(END_WITHIN_MS);

      // on the wire (the tap sees the server's frames in clear): the second connection was resumed,
      // and the server closed it (on a busy machine the server may close it a little after k6 ended)
      await until("every connection closed on both sides", () => tap.openSockets === 0, 10_000, () => `${tap.openSockets} sockets open`);
      await tap.stop();
      const records: CaptureRecord[] = [];
      for await (const item of readCapture(tap.file)) if ("type" in item) records.push(item);
      const s2c = (connection: number) => Buffer.concat(records.filter((r) => r.type === "s2c" && r.connection === connection).map((r) => r.data)).toString("latin1");
      const connections = [...new Set(records.filter((r) => r.type === "open").map((r) => r.connection))];
      const resumedOn = connections.find((c) => s2c(c).includes("<resumed"));
      expect(resumedOn, `no <resumed/> on any of ${connections.length} connections`).toBeDefined();
      const closes = records.filter((r) => r.type === "close" && r.connection === resumedOn).map((r) => JSON.parse(r.data.toString()).side);
      expect(closes).toContain("upstream");
    } finally {
      for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => undefined);
    }
  }, 90_000);
});
