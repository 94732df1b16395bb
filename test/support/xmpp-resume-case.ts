// One case of the XEP-0198 resumption test (test/xmpp/xmpp-resume.test.ts): a real XMPP server, a
// frame-recording hop and a blackholable Toxiproxy path in front of it, Bob as the k6 XMPP driver
// (test/k6/xmpp-resume.k6.ts) and Alice as a Node client; and the start both cases share: k6 logged
// in, Alice's first messages handled and acknowledged by Bob, three of Bob's messages at Alice.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type TestContext } from "vitest";
import { jidOf, localpartOf, userIdOfJid, userIdOfLocalpart } from "../../harness/protocol/xmpp/jid.ts";
import { envelopeMessage, NS } from "../../harness/protocol/xmpp/stanzas.ts";
import { childOf, type XmlElement } from "../../harness/protocol/xmpp/xml.ts";
import { registerAccounts } from "../../harness/targets/xmpp/register-accounts.ts";
import type { XmppServerKind } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { loginPlain, type XmppLogin } from "../../harness/targets/xmpp/xmpp-ws-client.ts";
import { startBlackholedPath, type BlackholedPath } from "./blackholed-path.ts";
import { k6ConsoleResult } from "./k6-console-result.ts";
import { requireTool } from "./require-tool.ts";
import { XmppFrameProxy, type RecordedFrame } from "./xmpp-frame-proxy.ts";
import { afterStreamManagement, available, countedIn, frameDump, parsed } from "./xmpp-stream-frames.ts";
import { startTestXmppServer, type TestXmppServer } from "./xmpp-server.ts";

export const DOMAIN = "localhost";
/** the driver's liveness: a ping after ~1 s of quiet, dead after 3 s without an answer */
export const LINK = { pingIntervalMs: 1000, silenceTimeoutMs: 3000, connectTimeoutMs: 2000 };
export const AFTER = 3;
export const WAIT_MS = 20_000;

export interface ResumeResult { composed: string[]; transmitted: string[]; accepted: string[]; received: string[]; events: string[]; refused: string[]; endSeen: boolean; timedOut: boolean }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = WAIT_MS, diagnose: () => string = () => ""): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms${diagnose() ? `\n${diagnose()}` : ""}`);
    await sleep(25);
  }
}

/** A Node client that keeps every element the server sends it. */
export class Peer {
  readonly elements: XmlElement[] = [];
  private stopped = false;
  private pings = 0;

  private constructor(readonly login: XmppLogin) {}

  static async login(url: string, localpart: string, password: string): Promise<Peer> {
    const peer = new Peer(await loginPlain({ url, domain: DOMAIN, localpart, password, presence: true, resource: "peer" }));
    void peer.pump();
    return peer;
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      try {
        this.elements.push(await this.login.client.next(200, "a stanza"));
      } catch (error) {
        if (!/no a stanza within/.test((error as Error).message)) return;
      }
    }
  }

  send(xml: string): void {
    this.login.client.send(xml);
  }

  /** the ids of the messages from `userId`, in arrival order (duplicates kept) */
  messagesFrom(userId: string): string[] {
    return this.elements.filter((e) => e.localName === "message" && childOf(e, "e2e", NS.envelope) && userIdOfJid(e.attrs.from ?? "") === userId).map((e) => e.attrs.id ?? "");
  }

  /** a ping round trip with the server: what it routed to us before has arrived */
  async barrier(): Promise<void> {
    const id = `barrier${++this.pings}`;
    this.send(`<iq xmlns="${NS.client}" type="get" id="${id}"><ping xmlns="urn:xmpp:ping"/></iq>`);
    await waitUntil(`answer to ${id}`, () => this.elements.some((e) => e.localName === "iq" && e.attrs.id === id));
  }

  close(): void {
    this.stopped = true;
    this.login.client.close();
  }
}


export interface Setup {
  server: TestXmppServer;
  recorder: XmppFrameProxy;
  toxiproxy: BlackholedPath;
  alice: { userId: string; localpart: string; password: string };
  bob: { userId: string; localpart: string; password: string };
  peer: Peer;
  k6: { done: Promise<{ error: Error | null; stdout: string; stderr: string }>; consoleFile: string; events(): string[] };
  t0: number;
  cleanup(): Promise<void>;
}

async function setUp(kind: XmppServerKind, ctx: TestContext, runMs: number): Promise<Setup> {
  const k6 = await requireTool("k6", ctx);
  const toxiproxyServer = await requireTool("toxiproxy-server", ctx);
  const t0 = Date.now();
  const server = await startTestXmppServer(kind, ctx);
  const cleanups: (() => unknown)[] = [() => server.stop()];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    const recorder = await XmppFrameProxy.start(server.url);
    cleanups.push(() => recorder.stop());
    const toxiproxy = await startBlackholedPath(toxiproxyServer.path, Number(new URL(recorder.url).port), "/xmpp-websocket", server.logDir);
    cleanups.push(() => toxiproxy.stop());
    const account = () => {
      const localpart = randomBytes(16).toString("hex");
      return { userId: userIdOfLocalpart(localpart), localpart, password: `pw-${localpart}` };
    };
    const alice = account(), bob = account();
    expect(localpartOf(bob.userId)).toBe(bob.localpart);
    await registerAccounts({ url: server.url, domain: DOMAIN, accounts: [alice, bob] });
    const peer = await Peer.login(server.url, alice.localpart, alice.password);
    cleanups.push(() => peer.close());

    const dir = mkdtempSync(join(tmpdir(), "xmpp-resume-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const inputFile = join(dir, "input.json"), consoleFile = join(dir, "console.log");
    writeFileSync(inputFile, JSON.stringify({ url: toxiproxy.url, domain: DOMAIN, ...LINK, tickMs: 250, maxTicks: 40, after: AFTER, runMs, alice: { userId: alice.userId }, bob }));
    const done = new Promise<{ error: Error | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(k6.path, ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, "-e", `XMPP_INPUT=${inputFile}`, "test/k6/xmpp-resume.k6.ts"], { timeout: runMs + 30_000 }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
      cleanups.push(() => child.exitCode === null && child.kill("SIGKILL"));
    });
    const events = () => {
      if (!existsSync(consoleFile)) return [];
      return readFileSync(consoleFile, "utf8").split("\n").flatMap((line) => {
        try {
          const event = (JSON.parse(JSON.parse(line).msg) as { resumeEvent?: string }).resumeEvent;
          return event ? [event] : [];
        } catch {
          return [];
        }
      });
    };
    return { server, recorder, toxiproxy, alice, bob, peer, k6: { done, consoleFile, events }, t0, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export async function finish(setup: Setup): Promise<ResumeResult> {
  const { error, stderr } = await setup.k6.done;
  expect(error, `k6 failed: ${stderr}`).toBeNull();
  return k6ConsoleResult<ResumeResult>(setup.k6.consoleFile, "xmppResume");
}

export interface ResumeCase extends Setup {
  frames: RecordedFrame[];
  bobJid: string;
  /** what happened so far, "what +ms" each */
  timings: string[];
  mark(what: string): void;
  /** k6's events and every recorded frame, for a failure's message */
  dump(): string;
}

/**
 * Starts a case and brings it to where both cases begin: k6 logged in (its presence echoed), Alice's
 * `first` messages sent to Bob and covered by his <a h/>, and three of Bob's messages at Alice.
 */
export async function startResumeCase(kind: XmppServerKind, ctx: TestContext, runMs: number, first: string[]): Promise<ResumeCase> {
  const setup = await setUp(kind, ctx, runMs);
  const frames = setup.recorder.frames;
  const timings: string[] = [];
  const c: ResumeCase = {
    ...setup, frames, timings, bobJid: jidOf(setup.bob.userId, DOMAIN),
    mark: (what) => timings.push(`${what} +${Date.now() - setup.t0}ms`),
    dump: () => `k6 events: ${setup.k6.events().join(" | ")}\nframes (server side of Toxiproxy):\n${frameDump(frames, setup.t0)}`,
  };
  try {
    c.mark("server, Toxiproxy and k6 started");
    await waitUntil("k6 login (its presence echoed)", () => available(frames, 1), WAIT_MS, c.dump);
    c.mark("k6 logged in");
    for (const id of first) setup.peer.send(envelopeMessage(id, c.bobJid, "QUJD"));
    const last = first[first.length - 1];
    await waitUntil(`Bob's <a h/> covering ${last}`, () => {
      const list = afterStreamManagement(frames, 1);
      const lastAt = countedIn(list.filter((f) => f.from === "server")).findIndex((f) => parsed(f)?.attrs.id === last);
      return lastAt >= 0 && list.some((f) => f.from === "client" && parsed(f)?.localName === "a" && Number(parsed(f)!.attrs.h) >= lastAt + 1);
    }, WAIT_MS, c.dump);
    await waitUntil("3 of Bob's messages at Alice", () => setup.peer.messagesFrom(setup.bob.userId).length >= 3, WAIT_MS, c.dump);
    return c;
  } catch (error) {
    await setup.cleanup();
    throw error;
  }
}
