// Messages: send -> `sent`, live delivery, delivery of a stored message at login, and `ack`
// removing exactly the message it names (by sender and id).
import { randomBytes, toBase64 } from "../protocol/bytes.ts";
import { createIdentity } from "../protocol/identity.ts";
import type { ConformanceCheck } from "./check.ts";
import { ConformanceClient, show } from "./client.ts";

let counter = 0;
const messageId = (label: string) => `conf-${label}-${Date.now().toString(36)}-${++counter}`;
const body = () => toBase64(randomBytes(48));

/** Sends and waits for `sent` naming the id (an `error` naming it is a failure). */
async function sendAndConfirm(client: ConformanceClient, to: string, id: string, text: string): Promise<Record<string, unknown>> {
  const answer = client.waitFor((f) => (f.type === "sent" || f.type === "error") && f.id === id, `\`sent\` for send '${id}'`);
  client.send({ type: "send", id, to, body: text });
  const frame = await answer;
  if (frame.type !== "sent") throw new Error(`send '${id}' answered with ${show(frame)}`);
  return frame;
}

export const sendSentAck: ConformanceCheck = {
  name: "send-sent-ack",
  expected: "`sent {id, to, ts}` answering a `send`",
  async run(ctx) {
    const recipient = await createIdentity();
    const { client } = await ConformanceClient.login(ctx.wsUrls[0]);
    try {
      const id = messageId("sent");
      const sent = await sendAndConfirm(client, recipient.userId, id, body());
      const ok = sent.id === id && sent.to === recipient.userId && typeof sent.ts === "number";
      return { ok, measured: show(sent) };
    } finally {
      client.close();
    }
  },
};

export const deliverOnline: ConformanceCheck = {
  name: "deliver-online",
  expected: "`deliver {id, from, body, ts}` to the online recipient (not waiting for `sent`)",
  async run(ctx) {
    const { client: recipient } = await ConformanceClient.login(ctx.wsUrls[1] ?? ctx.wsUrls[0]);
    const { client: sender } = await ConformanceClient.login(ctx.wsUrls[0]);
    try {
      const id = messageId("online");
      const text = body();
      const delivered = recipient.waitFor((f) => f.type === "deliver" && f.id === id, `\`deliver\` of '${id}' to the online recipient`);
      sender.send({ type: "send", id, to: recipient.userId, body: text });
      const frame = await delivered;
      const ok = frame.from === sender.userId && frame.body === text && typeof frame.ts === "number";
      return { ok, measured: ok ? "delivered, from and body match" : `got ${show(frame)}` };
    } finally {
      sender.close();
      recipient.close();
    }
  },
};

export const deliverStored: ConformanceCheck = {
  name: "deliver-stored",
  expected: "a message `sent` to an offline user comes with its next login (auth_ok queued 1, then deliver)",
  async run(ctx) {
    const recipient = await createIdentity();
    const { client: sender } = await ConformanceClient.login(ctx.wsUrls[0]);
    try {
      const id = messageId("stored");
      const text = body();
      await sendAndConfirm(sender, recipient.userId, id, text);
      const client = await ConformanceClient.open(ctx.wsUrls[1] ?? ctx.wsUrls[0], recipient);
      try {
        const delivered = client.waitFor((f) => f.type === "deliver" && f.id === id, `\`deliver\` of '${id}' after login`);
        delivered.catch(() => undefined);
        const authOk = await client.authenticate();
        const frame = await delivered;
        const ok = authOk.queued === 1 && frame.from === sender.userId && frame.body === text;
        return { ok, measured: `auth_ok queued ${authOk.queued}, deliver ${frame.from === sender.userId && frame.body === text ? "matches" : show(frame)}` };
      } finally {
        client.close();
      }
    } finally {
      sender.close();
    }
  },
};

export const ackRemovesOnlyThat: ConformanceCheck = {
  name: "ack-removes-only-that",
  expected: "ack {from: A, id: x} removes A's x only; B's x (same id) and A's y come again at the next login",
  async run(ctx) {
    const recipient = await createIdentity();
    const { client: a } = await ConformanceClient.login(ctx.wsUrls[0]);
    const { client: b } = await ConformanceClient.login(ctx.wsUrls[0]);
    try {
      const shared = messageId("same");
      const other = messageId("other");
      await sendAndConfirm(a, recipient.userId, shared, body());
      await sendAndConfirm(b, recipient.userId, shared, body());
      await sendAndConfirm(a, recipient.userId, other, body());
      const first = await ConformanceClient.open(ctx.wsUrls[0], recipient);
      try {
        const all = first.waitFor(() => first.frames.filter((f) => f.type === "deliver").length >= 3, "3 deliveries after login", undefined, 0);
        all.catch(() => undefined);
        await first.authenticate();
        await all;
        first.send({ type: "ack", acks: [{ from: a.userId, id: shared }] });
        await first.roundTrip(); // the ack was read before the pong
      } finally {
        first.close();
      }
      await first.closed;
      const second = await ConformanceClient.open(ctx.wsUrls[1] ?? ctx.wsUrls[0], recipient);
      try {
        const two = second.waitFor(() => second.frames.filter((f) => f.type === "deliver").length >= 2, "2 deliveries at the next login", undefined, 0);
        two.catch(() => undefined);
        const authOk = await second.authenticate();
        await two;
        await second.roundTrip(); // anything queued would have been delivered before the pong
        const got = second.frames.filter((f) => f.type === "deliver").map((f) => `${f.from === a.userId ? "A" : f.from === b.userId ? "B" : "?"}:${f.id === shared ? "x" : f.id === other ? "y" : "?"}`);
        const ok = authOk.queued === 2 && got.length === 2 && got.includes("B:x") && got.includes("A:y");
        return { ok, measured: `next login: queued ${authOk.queued}, delivered ${got.join(", ")}` };
      } finally {
        second.close();
      }
    } finally {
      a.close();
      b.close();
    }
  },
};
