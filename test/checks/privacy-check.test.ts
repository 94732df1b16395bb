import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { randomBytes as nodeRandomBytes } from "node:crypto";
import { createServer, connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { privacyCheck, privacyNotApplicable, type Finding } from "../../harness/checks/privacy-check.ts";
import { decodeWebSocketStream } from "../../harness/checks/websocket-capture.ts";
import { readCapture, TrafficTap } from "../../harness/environments/traffic-tap.ts";
import { makeRunCertificate } from "../../harness/environments/run-certificate.ts";
import { generatePopulation } from "../../harness/load/population.ts";
import { bytesToHex, fromBase64, toBase64, toBase64Url, randomBytes } from "../../harness/protocol/bytes.ts";
import type { Population } from "../../scenarios/lib/population.ts";
import { piecedFile } from "../support/stored-files.ts";

const RUN = "20260101-000000-privacy";
let dir: string;
let population: Population;
let wss: WebSocketServer;
let wsPort: number;
let tapCount = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "privacy-check-"));
  population = await generatePopulation({ users: 3, seed: 7, contactsPerUser: 1, oneTimePrekeys: 3 });
  // the server echoes nothing unless asked: "say:<text>" makes it send <text> back
  wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  wsPort = (wss.address() as { port: number }).port;
  wss.on("connection", (ws) => ws.on("message", (data: Buffer) => {
    const text = data.toString();
    if (text.startsWith("say:")) ws.send(text.slice(4));
  }));
});

afterAll(async () => {
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `talk` on a ws client through a fresh tap in front of `port`; returns the capture file. */
async function captureSession(talk: (ws: WebSocket) => Promise<void>, opts: { port?: number; scheme?: "ws" | "wss" } = {}): Promise<string> {
  const tap = await TrafficTap.start({ name: "proxy-1", file: join(dir, `capture-${++tapCount}.tap`), upstream: () => ({ host: "127.0.0.1", port: opts.port ?? wsPort }) });
  try {
    const ws = new WebSocket(`${opts.scheme ?? "ws"}://127.0.0.1:${tap.port}/ws`, { rejectUnauthorized: false, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => ws.once("open", () => resolve()).once("error", reject));
    await talk(ws);
    await new Promise((r) => setTimeout(r, 50));
    ws.close();
    await new Promise<void>((resolve) => ws.once("close", () => resolve()));
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    await tap.stop();
  }
  return tap.file;
}

async function directionBytes(file: string, type: "c2s" | "s2c"): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const item of readCapture(file)) if ("type" in item && item.type === type) parts.push(item.data);
  return Buffer.concat(parts);
}

/** Where the payload of the first frame after the upgrade starts in a direction's stream. */
function firstPayloadOffset(stream: Buffer): number {
  const headerEnd = stream.indexOf("\r\n\r\n") + 4;
  const len7 = stream[headerEnd + 1] & 0x7f;
  const masked = (stream[headerEnd + 1] & 0x80) !== 0;
  return headerEnd + 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
}

const findingsOf = (details: Record<string, unknown>) => details.findings as (Finding & { summary: string })[];
const sendAndWait = (ws: WebSocket, data: string | Buffer, options: { fin?: boolean } = {}) =>
  new Promise<void>((resolve, reject) => ws.send(data, { fin: options.fin ?? true }, (e) => (e ? reject(e) : resolve())));

describe("privacy check over WebSocket captures", () => {
  it("fails on a canary in a masked client frame, at the exact byte offset, though the raw bytes hide it", async () => {
    const text = JSON.stringify({ canary: `CANARY-${RUN}-2.17`, sentAt: 1 });
    const file = await captureSession((ws) => sendAndWait(ws, text));
    const c2s = await directionBytes(file, "c2s");
    expect(c2s.includes("CANARY-")).toBe(false); // masking hides it from a naive scan
    const result = await privacyCheck({ runId: RUN, population, captures: [file] });
    expect(result.status).toBe("fail");
    const findings = findingsOf(result.details);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ found: "canary", canary: `CANARY-${RUN}-2.17`, encoding: "text", source: "proxy-1", connection: 1, direction: "client-to-server", layer: "websocket payload" });
    expect(findings[0].offset).toBe(firstPayloadOffset(c2s) + text.indexOf("CANARY-"));
  });

  it("finds a canary split across fragments and one sent back by the server, each once", async () => {
    const file = await captureSession(async (ws) => {
      await sendAndWait(ws, `{"c":"CANARY-${RUN.slice(0, 10)}`, { fin: false });
      await sendAndWait(ws, `${RUN.slice(10)}-0.5"}`, { fin: true });
      await sendAndWait(ws, `say:CANARY-${RUN}-1.9`);
      await new Promise((r) => setTimeout(r, 100));
    });
    const c2s = await directionBytes(file, "c2s");
    const result = await privacyCheck({ runId: RUN, population, captures: [{ path: "proxy-1", file }] });
    const findings = findingsOf(result.details);
    expect(result.status).toBe("fail");
    expect(findings.map((f) => [f.direction, f.canary]).sort()).toEqual([
      ["client-to-server", `CANARY-${RUN}-0.5`],
      ["client-to-server", `CANARY-${RUN}-1.9`],
      ["server-to-client", `CANARY-${RUN}-1.9`],
    ]);
    expect(findings.find((f) => f.canary === `CANARY-${RUN}-0.5`)!.offset).toBe(firstPayloadOffset(c2s) + 6);
  });

  it("passes on ciphertext only and reports what it scanned", async () => {
    const file = await captureSession(async (ws) => {
      for (let i = 0; i < 20; i++) await sendAndWait(ws, JSON.stringify({ type: "send", id: `m${i}`, body: toBase64(randomBytes(200 + i * 500)) }));
      await sendAndWait(ws, `say:${toBase64(new Uint8Array(nodeRandomBytes(70_000)))}`);
      await new Promise((r) => setTimeout(r, 100));
    });
    const result = await privacyCheck({ runId: RUN, population, captures: [file] });
    expect(result.status).toBe("pass");
    const [capture] = result.details.captures as { connections: number; websocketConnections: number; frames: number; messages: number; bytes: { clientToServer: number; serverToClient: number } }[];
    expect(capture.connections).toBe(1);
    expect(capture.websocketConnections).toBe(1);
    expect(capture.frames).toBeGreaterThanOrEqual(23); // 21 client messages, 1 answer, close frames
    expect(capture.bytes.clientToServer).toBeGreaterThan(100_000);
    expect(capture.bytes.serverToClient).toBeGreaterThan(90_000);
    expect(result.details.findingsTotal).toBe(0);
  });

  it("finds private keys in any form, names owner and kind, never prints the secret", async () => {
    const dhSecret = population.members[1].identity.dh.d!;
    const oneTime = population.members[2].prekeys.oneTime[1];
    const hex = bytesToHex(fromBase64(oneTime.jwk.d!));
    const raw = Buffer.from(fromBase64(population.members[0].prekeys.signed.jwk.d!));
    const earlier = population.members.flatMap((m) => m.sessions.filter((s) => m.index < s.peer).map((s) => ({ owner: m.index, ...s })))[0];
    const file = await captureSession(async (ws) => {
      await sendAndWait(ws, `shared:${bytesToHex(fromBase64(earlier.recv))}`);
      await sendAndWait(ws, JSON.stringify({ leak: hex }));
      await sendAndWait(ws, `say:${JSON.stringify({ jwk: { d: dhSecret } })}`);
      await sendAndWait(ws, Buffer.concat([Buffer.from([1, 2, 3]), raw]));
      await new Promise((r) => setTimeout(r, 100));
    });
    const result = await privacyCheck({ runId: RUN, population, captures: [file] });
    expect(result.status).toBe("fail");
    const findings = findingsOf(result.details);
    expect(findings.map((f) => f.found === "private key" && [f.owner, f.key, f.form, f.direction])).toEqual(expect.arrayContaining([
      [2, `one-time-prekey ${oneTime.id}`, "hex", "client-to-server"],
      [1, "identity-dh", "base64url", "client-to-server"],
      [1, "identity-dh", "base64url", "server-to-client"],
      [0, "signed-prekey", "raw", "client-to-server"],
      [earlier.owner, `earlier-session chain key from ${earlier.peer}`, "hex", "client-to-server"],
    ]));
    expect(findings).toHaveLength(5);
    const printed = JSON.stringify(result.details);
    expect(printed.includes(dhSecret)).toBe(false);
    expect(printed.includes(hex)).toBe(false);
  });

  it("finds a canary in a base64-encoded plaintext (a body that was never encrypted)", async () => {
    const body = toBase64(new TextEncoder().encode(JSON.stringify({ canary: `CANARY-${RUN}-4.4`, sentAt: 5 })));
    const file = await captureSession((ws) => sendAndWait(ws, JSON.stringify({ type: "send", id: "x", body })));
    const result = await privacyCheck({ runId: RUN, population, captures: [file] });
    expect(result.status).toBe("fail");
    expect(findingsOf(result.details)[0]).toMatchObject({ found: "canary", encoding: "base64", direction: "client-to-server" });
  });

  it("decodes the same frames whether the bytes come whole or one at a time", async () => {
    const file = await captureSession(async (ws) => {
      await sendAndWait(ws, "a".repeat(70_000));
      await sendAndWait(ws, "part one ", { fin: false });
      await sendAndWait(ws, "part two", { fin: true });
      await sendAndWait(ws, Buffer.from([0, 1, 2]));
    });
    const c2s = new Uint8Array(await directionBytes(file, "c2s"));
    const whole = decodeWebSocketStream("client-to-server", [c2s]);
    const bytewise = decodeWebSocketStream("client-to-server", Array.from(c2s, (b) => new Uint8Array([b])));
    const text = (m: { payload: Uint8Array }) => Buffer.from(m.payload).toString();
    expect(whole.decoder.kind).toBe("websocket");
    expect(whole.messages.filter((m) => m.channel === "data").map(text)).toEqual(["a".repeat(70_000), "part one part two", "\u0000\u0001\u0002"]);
    expect(bytewise.messages.map(text)).toEqual(whole.messages.map(text));
    expect(bytewise.messages.map((m) => m.segments[0]?.[1])).toEqual(whole.messages.map((m) => m.segments[0]?.[1]));
    expect(whole.decoder.frames).toBe(5); // 3 messages in 4 frames, and the close frame
    expect(whole.decoder.truncated).toBe(false);
    expect(whole.decoder.anomaly).toBeNull();
  });

  it("reports TLS connections as tls, scans them raw, and says unknown when nothing else was visible", async () => {
    const certificate = makeRunCertificate(dir);
    const https = createHttpsServer({ cert: certificate.cert, key: certificate.key });
    const tlsWss = new WebSocketServer({ server: https });
    tlsWss.on("connection", (ws) => ws.on("message", () => undefined));
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", () => resolve()));
    try {
      const port = (https.address() as { port: number }).port;
      const file = await captureSession((ws) => sendAndWait(ws, `CANARY-${RUN}-3.3`), { port, scheme: "wss" });
      const result = await privacyCheck({ runId: RUN, population, captures: [file] });
      expect(result.status).toBe("unknown");
      expect(result.details.reason).toMatch(/only TLS connections \(1\)/);
      expect(result.details.captures).toMatchObject([{ tlsConnections: 1, frames: 0 }]);
    } finally {
      for (const c of tlsWss.clients) c.terminate();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    }
    // a TLS-looking stream is scanned raw: a canary carried in clear inside it is found
    const echo = createServer((s: Socket) => s.pipe(s));
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", () => resolve()));
    const tap = await TrafficTap.start({ name: "proxy-2", file: join(dir, "tls-raw.tap"), upstream: () => ({ host: "127.0.0.1", port: (echo.address() as { port: number }).port }) });
    await new Promise<void>((resolve) => {
      const socket = connect(tap.port, "127.0.0.1", () => socket.end(Buffer.concat([Buffer.from([0x16, 3, 1, 0, 40]), Buffer.from(`CANARY-${RUN}-8.1`)])));
      socket.on("data", () => undefined);
      socket.on("close", () => resolve());
    });
    await tap.stop();
    echo.close();
    const raw = await privacyCheck({ runId: RUN, population, captures: [tap.file] });
    expect(raw.status).toBe("fail");
    expect(findingsOf(raw.details).map((f) => [f.direction, f.layer, f.offset, f.canary])).toEqual([
      ["client-to-server", "raw bytes", 5, `CANARY-${RUN}-8.1`],
      ["server-to-client", "raw bytes", 5, `CANARY-${RUN}-8.1`],
    ]);
  });

  it("scans extra texts such as the relay's log and metrics", async () => {
    const file = await captureSession((ws) => sendAndWait(ws, "hello"));
    const log = `{"event":"stored","id":"1"}\n{"event":"debug","key":"${population.members[0].identity.signing.d}"}\n`;
    const result = await privacyCheck({ runId: RUN, population, captures: [file], extraTexts: [{ name: "relay.log", text: log }, { name: "metrics", text: "relay_connections 1\n" }] });
    expect(result.status).toBe("fail");
    expect(findingsOf(result.details)).toMatchObject([{ source: "relay.log", layer: "text", owner: 0, key: "identity-signing", offset: log.indexOf(population.members[0].identity.signing.d!) }]);
  });

  it("scans the server's stored files as bytes, binary ones too, naming the file and the byte offset, each file once", async () => {
    const file = await captureSession((ws) => sendAndWait(ws, "hello"));
    const key = Buffer.from(population.members[1].identity.dh.d!, "base64url");
    // a binary store (a Mnesia .DCD, a Prosody .dat) holding a raw private key, and a log holding a canary
    const dcd = Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0xfe]), key, Buffer.alloc(700, 0x5a)]);
    const log = Buffer.from(`2026-01-01 stored message\n2026-01-01 body=CANARY-${RUN}-3.14 from alice\n`);
    const clean = Buffer.from("nothing of the run\n");
    const stored = [{ name: "ejabberd data: store/offline_msg.DCD", bytes: dcd }, { name: "ejabberd log: ejabberd.log", bytes: log }, { name: "ejabberd data: store/schema.DAT", bytes: clean }];
    // handed out in pieces, the key and the canary each cut in two
    const cutIn = (at: number) => [at, at + 9];
    const pieced = [piecedFile(stored[0].name, dcd, cutIn(5)), piecedFile(stored[1].name, log, cutIn(log.indexOf("CANARY"))), piecedFile(stored[2].name, clean)];
    const result = await privacyCheck({ runId: RUN, population, captures: [file], storedFiles: pieced });
    expect(result.status).toBe("fail");
    expect(findingsOf(result.details).map((f) => [f.source, f.layer, f.offset, f.found === "canary" ? f.canary : `${f.owner} ${f.key} ${f.form}`])).toEqual([
      ["ejabberd data: store/offline_msg.DCD", "stored file", 5, "1 identity-dh raw"],
      ["ejabberd log: ejabberd.log", "stored file", log.indexOf("CANARY"), `CANARY-${RUN}-3.14`],
    ]);
    expect(findingsOf(result.details)[0].summary).toBe("private key of member 1 (identity-dh) as raw in ejabberd data: store/offline_msg.DCD offset 5");
    expect(result.details).toMatchObject({
      storedFiles: stored.map((f) => ({ name: f.name, bytes: f.bytes.length })), storedFilesTotal: 3, storedBytes: dcd.length + log.length + clean.length,
      storedByDirectory: { "ejabberd data: store": { files: 2, bytes: dcd.length + clean.length }, "ejabberd log": { files: 1, bytes: log.length } },
    });
    // clean stored files pass; stored files that could not be read leave the check unknown, saying why
    const passing = await privacyCheck({ runId: RUN, population, captures: [file], storedFiles: [piecedFile(stored[2].name, clean)] });
    expect(passing.status).toBe("pass");
    const unread = await privacyCheck({ runId: RUN, population, captures: [file], storedFilesError: "cannot read /data/x: EACCES" });
    expect(unread).toMatchObject({ status: "unknown", details: { reason: "the server's stored files could not be read: cannot read /data/x: EACCES" } });
    // reading stops at a file that fails midway: unknown, naming it; the server's log is then scanned as text
    const failing = { name: "ejabberd data: store/broken.DCD", size: 10, chunks: async function* () { yield clean; throw new Error("EIO"); } };
    const midway = await privacyCheck({ runId: RUN, population, captures: [file], storedFiles: [piecedFile(stored[2].name, clean), failing], textsWhenStoredFilesUnread: [{ name: "relay log", text: log.toString() }] });
    expect(midway).toMatchObject({ status: "fail", details: { storedFilesError: "ejabberd data: store/broken.DCD: EIO", storedFilesTotal: 1, texts: [{ name: "relay log", bytes: log.length }] } });
    expect(findingsOf(midway.details).map((f) => [f.source, f.layer, f.offset])).toEqual([["relay log", "text", log.indexOf("CANARY")]]);
  });

  it("checks a population of 5,000 users (about 200,000 key patterns) and finds the last user's key", async () => {
    // members like the generated ones, each with secrets of its own (only the bytes matter here)
    const secret = () => toBase64Url(randomBytes(32));
    const members = Array.from({ length: 5000 }, (_, index) => {
      const m = structuredClone(population.members[index % population.members.length]);
      m.index = index;
      for (const jwk of [m.identity.signing, m.identity.dh, m.prekeys.signed.jwk, ...m.prekeys.oneTime.map((p) => p.jwk)]) jwk.d = secret();
      m.sessions = m.sessions.map((s) => ({ ...s, peer: index + 1, send: toBase64(randomBytes(32)), recv: toBase64(randomBytes(32)) }));
      return m;
    });
    const leaked = members[4999].prekeys.oneTime[0].jwk.d!;
    const file = await captureSession((ws) => sendAndWait(ws, "hello"));
    const result = await privacyCheck({ runId: RUN, population: { ...population, members }, captures: [file], extraTexts: [{ name: "relay.log", text: `{"k":"${leaked}"}` }] });
    const keys = members.reduce((n, m) => n + 3 + m.prekeys.oneTime.length + 2 * m.sessions.length, 0);
    expect(result.details.patterns).toMatchObject({ privateKeys: keys });
    expect((result.details.patterns as { keyForms: number }).keyForms).toBeGreaterThan(150_000);
    expect(findingsOf(result.details)).toMatchObject([{ source: "relay.log", owner: 4999, key: "one-time-prekey 1", form: "base64url" }]);
  });

  it("is unknown when there is nothing to scan, and when a capture cannot be read", async () => {
    const tap = await TrafficTap.start({ name: "proxy-1", file: join(dir, "empty.tap"), upstream: () => ({ host: "127.0.0.1", port: wsPort }) });
    await tap.stop();
    const empty = await privacyCheck({ runId: RUN, population, captures: [tap.file] });
    expect(empty.status).toBe("unknown");
    expect(empty.details.reason).toMatch(/nothing to scan/);
    const missing = await privacyCheck({ runId: RUN, population, captures: [join(dir, "no-such.tap")] });
    expect(missing).toMatchObject({ name: "privacy", status: "unknown", details: { error: { message: expect.stringMatching(/ENOENT/) } } });
  });

  it("is unknown, not applicable, when the crypto mode sends random bytes (opaque), and applies to every other mode", () => {
    expect(privacyNotApplicable("opaque")).toMatchObject({ name: "privacy", status: "unknown", details: { notApplicable: expect.stringMatching(/opaque sends random bytes/) } });
    expect(privacyNotApplicable("full")).toBeUndefined();
    expect(privacyNotApplicable("session")).toBeUndefined();
  });
});
