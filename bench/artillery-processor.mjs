// Artillery processor for bench/artillery-peer.ts (runs inside Artillery's worker threads, Node >= 22).
// Each virtual user claims one pre-generated identity, does the relay's challenge-response login
// (ECDSA P-256 over "e2ee-relay-auth:v1:" + nonce) on the socket Artillery's ws engine opened,
// then the scenario's loop paces and sends plaintext `send` frames through the engine's `send`
// step to its partner (identity index ^ 1). A listener counts `sent` answers and deliveries and
// acks deliveries in batches. At the end each user appends one JSON line with its tallies.
// Settings come from config.variables (see artillery-peer.ts).
import { appendFileSync, closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

const AUTH_CONTEXT = "e2ee-relay-auth:v1:";
const ECDSA = { name: "ECDSA", namedCurve: "P-256" };
const SIGN = { name: "ECDSA", hash: "SHA-256" };
const ACK_FLUSH_MS = 20;
let identities = null;
let bodies = null;
let bodyIndex = 0;

function loadIdentities(path) {
  identities ??= JSON.parse(readFileSync(path, "utf8"));
  return identities;
}

/** The lowest identity index no other user (in any worker thread or process) has claimed. */
function claimIndex(dir, count) {
  for (let i = 0; i < count; i++) {
    try {
      closeSync(openSync(join(dir, `claim-${i}`), "wx"));
      return i;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
  }
  throw new Error(`all ${count} identities are taken`);
}

/** The common start of sending (epoch ms): the first user to log in sets it to now + lead. */
function startAt(dir, leadMs) {
  const path = join(dir, "start-at");
  try {
    const at = Date.now() + leadMs;
    writeFileSync(path, String(at), { flag: "wx" });
    return at;
  } catch (err) {
    if (err.code !== "EEXIST") throw err;
    for (let tries = 0; tries < 100; tries++) {
      const text = readFileSync(path, "utf8");
      if (text) return Number(text);
    }
    throw new Error("start-at file stays empty");
  }
}

function nextFrame(state, type, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
    state.waiters.push({ type, resolve: (f) => (clearTimeout(timer), resolve(f)) });
  });
}

export async function login(context, events) {
  const v = context.vars;
  const ws = context.ws;
  const state = {
    index: -1, sent: 0, acked: 0, ackedInWindow: 0, delivered: 0, errors: 0,
    sentAt: [], head: 0, pendingAcks: [], ackTimer: null, waiters: [], windowEnd: 0,
  };
  context.vars._peer = state;
  // Attached right after the engine's `open` (same tick), so the challenge is not missed.
  ws.on("message", (data) => {
    const text = data.toString();
    if (text.startsWith('{"type":"sent"')) {
      const at = state.sentAt[state.head++];
      state.acked++;
      if (Date.now() <= state.windowEnd) state.ackedInWindow++;
      events.emit("counter", "relay.acked", 1);
      events.emit("histogram", "relay.ack_ms", performance.now() - at);
      return;
    }
    const frame = JSON.parse(text);
    if (frame.type === "deliver") {
      state.delivered++;
      events.emit("counter", "relay.delivered", 1);
      state.pendingAcks.push({ from: frame.from, id: frame.id });
      state.ackTimer ??= setTimeout(() => flushAcks(ws, state), ACK_FLUSH_MS);
    } else if (frame.type === "error") {
      state.errors++;
      events.emit("counter", `relay.error.${frame.code}`, 1);
      if (frame.id !== undefined) state.head++; // a refused send gets no `sent`
    }
    state.waiters = state.waiters.filter((w) => (w.type === frame.type ? (w.resolve(frame), false) : true));
  });
  const challenge = nextFrame(state, "challenge", 10_000);
  const ids = loadIdentities(v.identitiesFile);
  state.index = claimIndex(v.claimDir, ids.length);
  const me = ids[state.index];
  const partner = ids[state.index ^ 1];
  const key = await crypto.subtle.importKey("pkcs8", Buffer.from(me.pkcs8, "base64"), ECDSA, false, ["sign"]);
  const { nonce } = await challenge;
  const signature = new Uint8Array(await crypto.subtle.sign(SIGN, key, new TextEncoder().encode(AUTH_CONTEXT + nonce)));
  const authOk = nextFrame(state, "auth_ok", 10_000);
  ws.send(JSON.stringify({ type: "auth", v: 1, signingKey: me.signingKey, signature: Buffer.from(signature).toString("base64") }));
  await authOk;
  events.emit("counter", "relay.logged_in", 1);
  bodies ??= Array.from({ length: 512 }, () => randomBytes(Number(v.bodyBytes)).toString("base64"));
  context.vars.peer = partner.userId;
  state.startAt = startAt(v.claimDir, Number(v.leadMs));
  state.intervalMs = Number(v.intervalMs);
  state.windowEnd = state.startAt + Number(v.seconds) * 1000;
  state.seq = 0;
}

function flushAcks(ws, state) {
  state.ackTimer = null;
  if (state.pendingAcks.length === 0 || ws.readyState !== 1) return;
  ws.send(JSON.stringify({ type: "ack", acks: state.pendingAcks }));
  state.pendingAcks = [];
}

/** Waits for this user's next send slot (open loop: slot k at startAt + k * interval), then sets msgId and body. */
export async function nextMessage(context) {
  const state = context.vars._peer;
  const slot = state.startAt + state.seq * state.intervalMs;
  const wait = slot - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  context.vars.msgId = `a${state.seq++}`;
  context.vars.body = bodies[bodyIndex++ % bodies.length];
  state.sentAt.push(performance.now());
  state.sent++;
}

/** Waits (bounded) for outstanding `sent` answers and the partner's messages, acks, reports. */
export async function drain(context) {
  const v = context.vars;
  const state = v._peer;
  const expected = Number(v.sendsPerUser);
  const deadline = Date.now() + Number(v.drainMs);
  while (Date.now() < deadline && (state.acked + state.errors < state.sent || state.delivered < expected)) {
    await new Promise((r) => setTimeout(r, 20));
  }
  if (state.ackTimer) clearTimeout(state.ackTimer);
  flushAcks(context.ws, state);
  appendFileSync(v.resultsFile, JSON.stringify({
    index: state.index, sent: state.sent, acked: state.acked, ackedInWindow: state.ackedInWindow,
    delivered: state.delivered, errors: state.errors, startAt: state.startAt, endAt: Date.now(),
  }) + "\n");
  await new Promise((r) => setTimeout(r, 50)); // let the last ack frame leave before the engine closes the socket
}
