// Frame handling: ping/pong, a malformed frame answered with `bad_frame` on a socket that stays
// usable, an oversize WebSocket frame closed with 1009, an oversize body refused with `too_large`.
import { randomBytes, toBase64 } from "../protocol/bytes.ts";
import { CLOSE } from "../protocol/frames.ts";
import type { ConformanceCheck } from "./check.ts";
import { ConformanceClient, show } from "./client.ts";

/** RELAY_MAX_FRAME_BYTES and RELAY_MAX_BODY_BYTES defaults (the command sets no limits). */
const MAX_FRAME_BYTES = 65536;
const MAX_BODY_BYTES = 32768;

export const pingPong: ConformanceCheck = {
  name: "ping-pong",
  expected: "`pong` with the same t and a serverTime",
  async run(ctx) {
    const { client } = await ConformanceClient.login(ctx.wsUrls[0]);
    try {
      const t = 424242;
      const pong = client.waitFor((f) => f.type === "pong", "`pong`");
      client.send({ type: "ping", t });
      const frame = await pong;
      return { ok: frame.t === t && typeof frame.serverTime === "number", measured: show(frame) };
    } finally {
      client.close();
    }
  },
};

export const malformedFrame: ConformanceCheck = {
  name: "malformed-frame",
  expected: "error `bad_frame` for text that is not JSON; the socket stays open and answers `ping`",
  async run(ctx) {
    const { client } = await ConformanceClient.login(ctx.wsUrls[0]);
    try {
      const error = client.waitFor((f) => f.type === "error", "`error` answering a frame that is not JSON");
      client.send("{this is not json");
      const frame = await error;
      await client.roundTrip();
      const open = client.closeInfo === null;
      return { ok: frame.code === "bad_frame" && open, measured: `error ${String(frame.code)}, then ${open ? "ping answered" : `closed ${client.closeInfo?.code}`}` };
    } finally {
      client.close();
    }
  },
};

export const oversizeFrame: ConformanceCheck = {
  name: "oversize-frame",
  expected: `close ${CLOSE.tooLarge} for a WebSocket frame above ${MAX_FRAME_BYTES} bytes`,
  async run(ctx) {
    const { client } = await ConformanceClient.login(ctx.wsUrls[0]);
    try {
      client.send({ type: "ping", t: 1, pad: "x".repeat(MAX_FRAME_BYTES + 1024) });
      const closed = await client.waitForClose(`after a ${MAX_FRAME_BYTES + 1024}-byte frame`);
      return { ok: closed.code === CLOSE.tooLarge, measured: `closed with ${closed.code}` };
    } finally {
      client.close();
    }
  },
};

export const oversizeBody: ConformanceCheck = {
  name: "oversize-body",
  expected: `error \`too_large\` with the send's id and limit ${MAX_BODY_BYTES} for a body above it`,
  async run(ctx) {
    const { client: recipient } = await ConformanceClient.login(ctx.wsUrls[1] ?? ctx.wsUrls[0]);
    recipient.close();
    const { client } = await ConformanceClient.login(ctx.wsUrls[0]);
    try {
      const id = "conformance-too-large";
      const answer = client.waitFor((f) => (f.type === "error" || f.type === "sent") && f.id === id, "an answer naming the send's id");
      client.send({ type: "send", id, to: recipient.userId, body: toBase64(randomBytes(MAX_BODY_BYTES + 1000)) });
      const frame = await answer;
      return { ok: frame.type === "error" && frame.code === "too_large" && frame.limit === MAX_BODY_BYTES, measured: show(frame) };
    } finally {
      client.close();
    }
  },
};
