// What only the server's own process can tell, for a real XMPP server: its CPU and memory (every
// process of its group, from /proc; none once it is killed), and what it stores. A plaintext body
// sent to an offline user lands in Prosody's offline store; the privacy check names that file and
// the byte offset, and passes a run whose stored files and traffic hold nothing of the run.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { privacyCheck, type Finding } from "../../harness/checks/privacy-check.ts";
import { processTreePids } from "../../harness/environments/local/process-group.ts";
import { TrafficTap } from "../../harness/environments/traffic-tap.ts";
import { registerAccounts } from "../../harness/targets/xmpp/register-accounts.ts";
import { loginPlain } from "../../harness/targets/xmpp/xmpp-ws-client.ts";
import { readStoredFiles } from "../support/stored-files.ts";
import { startTestXmppServer, type TestXmppServer } from "../support/xmpp-server.ts";

const RUN = "20260101-000000-stored";
const OFFLINE_STORE = "prosody data: store/localhost/offline/bob.list";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("prosody's own CPU, memory and stored files", () => {
  let prosody: TestXmppServer | null = null;
  const captures = mkdtempSync(join(tmpdir(), "stored-privacy-"));
  afterAll(async () => {
    await prosody?.stop();
  });
  const started = async (ctx: Parameters<typeof startTestXmppServer>[1]) => (prosody ??= await startTestXmppServer("prosody", ctx));

  /** alice (through a traffic tap) sends `body` to bob, who is offline: Prosody stores it; returns the capture */
  async function sendToOfflineBob(server: TestXmppServer, body: string, n: number): Promise<string> {
    const port = Number(new URL(server.url).port);
    const tap = await TrafficTap.start({ name: "proxy-1", file: join(captures, `session-${n}.tap`), upstream: () => ({ host: "127.0.0.1", port }) });
    try {
      const { client } = await loginPlain({ url: `ws://127.0.0.1:${tap.port}${server.server.wsPath}`, domain: "localhost", localpart: "alice", password: "alice-secret" });
      client.send(`<message xmlns="jabber:client" type="chat" id="m${n}" to="bob@localhost"><body>${body}</body></message>`);
      await sleep(300); // stored before the stream closes
      client.close();
      await sleep(100);
    } finally {
      await tap.stop();
    }
    return tap.file;
  }

  it("passes a run that stored nothing of it, listing every stored file it scanned with its size", async (ctx) => {
    const server = await started(ctx);
    await registerAccounts({ url: server.url, domain: "localhost", accounts: [{ localpart: "alice", password: "alice-secret" }, { localpart: "bob", password: "bob-secret" }] });
    const capture = await sendToOfflineBob(server, "ciphertext only, nothing of the run", 1);
    // the check reads the files as they stream in; read again whole here to compare (the log may have grown meanwhile)
    const result = await privacyCheck({ runId: RUN, population: { members: [] }, captures: [capture], storedFiles: server.server.storedFiles() });
    const stored = await readStoredFiles(server.server.storedFiles());
    expect(stored.map((f) => f.name)).toEqual(expect.arrayContaining([OFFLINE_STORE, "prosody data: store/localhost/accounts/alice.dat", "prosody data: prosody.cfg.lua", "prosody log: prosody.log"]));
    expect(result.status, JSON.stringify(result.details)).toBe("pass");
    const listed = result.details.storedFiles as { name: string; bytes: number }[];
    expect(listed.map((f) => f.name)).toEqual(stored.map((f) => f.name));
    const data = (files: { name: string; bytes: number }[]) => files.filter((f) => f.name.startsWith("prosody data: "));
    expect(data(listed)).toEqual(data(stored.map((f) => ({ name: f.name, bytes: f.bytes.length }))));
    expect(listed.find((f) => f.name === OFFLINE_STORE)!.bytes).toBeGreaterThan(0);
    expect(result.details.storedBytes).toBe(listed.reduce((n, f) => n + f.bytes, 0));
  });

  it("finds a plaintext canary the server stored, naming the data file and the byte offset", async (ctx) => {
    const server = await started(ctx);
    const canary = `CANARY-${RUN}-1.7`;
    const capture = await sendToOfflineBob(server, `hello ${canary} bob`, 2);
    const result = await privacyCheck({ runId: RUN, population: { members: [] }, captures: [capture], storedFiles: server.server.storedFiles() });
    const stored = await readStoredFiles(server.server.storedFiles());
    expect(result.status).toBe("fail");
    const findings = result.details.findings as (Finding & { summary: string })[];
    const inStore = findings.filter((f) => f.layer === "stored file");
    expect(inStore.map((f) => [f.source, f.canary])).toEqual([[OFFLINE_STORE, canary]]);
    const file = stored.find((f) => f.name === OFFLINE_STORE)!;
    expect(Buffer.from(file.bytes).toString("latin1", inStore[0].offset, inStore[0].offset + canary.length)).toBe(canary);
    expect(inStore[0].summary).toBe(`canary ${canary} (text) in ${OFFLINE_STORE} offset ${inStore[0].offset}`);
    // the traffic holds it too (a plaintext body): found there as well, each where it is
    expect(findings.some((f) => f.layer === "websocket payload" && f.direction === "client-to-server")).toBe(true);
  });

  it("reports the CPU seconds and resident memory of its process group, the same figure while frozen, and none once killed", async (ctx) => {
    const server = (await started(ctx)).server;
    const usage = await server.usage();
    expect(usage, "usage of a running server").not.toBeNull();
    expect(usage!.cpuSeconds).toBeGreaterThan(0);
    expect(usage!.rssMb).toBeGreaterThan(5);
    expect(usage!.rssMb).toBeLessThan(2000);
    await server.pause();
    const frozen = await server.usage();
    await sleep(300);
    expect((await server.usage())!.cpuSeconds).toBe(frozen!.cpuSeconds);
    await server.resume();
    await server.kill();
    expect(server.pids()).toEqual([]);
    expect(await server.usage()).toBeNull();
  });
});

describe("ejabberd's own CPU, memory and stored files", () => {
  it("sums erl and its port programs, and lists its Mnesia files and its own logs", async (ctx) => {
    const ejabberd = await startTestXmppServer("ejabberd", ctx);
    try {
      const usage = await ejabberd.server.usage();
      // erl_child_setup runs in a session of its own: counted as beam.smp's descendant
      const tree = processTreePids(ejabberd.server.pids()[0]);
      expect(tree.map((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").trim())).toEqual(expect.arrayContaining(["beam.smp", "erl_child_setup"]));
      expect(usage!.cpuSeconds).toBeGreaterThan(0.5); // an Erlang VM's start
      expect(usage!.rssMb).toBeGreaterThan(20);
      const names = (await readStoredFiles(ejabberd.server.storedFiles())).map((f) => f.name);
      expect(names.filter((n) => /^ejabberd data: store\/.+\.(DCD|DCL|DAT)$/.test(n)).length, names.join("\n")).toBeGreaterThan(0);
      expect(names).toEqual(expect.arrayContaining(["ejabberd log: ejabberd.log", "ejabberd log: ejabberd/ejabberd.log"]));
      await ejabberd.server.kill();
      expect(await ejabberd.server.usage()).toBeNull();
    } finally {
      await ejabberd.stop();
    }
  });
});
