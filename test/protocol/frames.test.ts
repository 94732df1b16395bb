import { describe, expect, it } from "vitest";
import { decodeClientFrame, decodeRelayFrame, encodeFrame, encodeSendFrame, type ClientFrame } from "../../harness/protocol/frames.ts";

describe("frame codec", () => {
  it("round-trips every client frame type", () => {
    const frames = [
      { type: "auth", v: 1, signingKey: "AA==", signature: "BB==" },
      { type: "publish_prekeys", reqId: "r1", dhKey: "a", dhKeySig: "b", signedPrekey: { id: 1, key: "k", sig: "s" }, oneTimePrekeys: [{ id: 2, key: "o" }] },
      { type: "fetch_prekeys", reqId: "r2", userId: "u" },
      { type: "send", id: "m1", to: "u", body: "Ym9keQ==", fwd: 8 },
      { type: "ack", acks: [{ from: "u1", id: "m1" }, { from: "u2", id: "m1" }] },
      { type: "ping", t: 12.5 },
    ] satisfies ClientFrame[];
    for (const frame of frames) expect(decodeClientFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
  });

  it.each([
    ["not JSON", "{nope", "bad_frame", /not valid JSON/],
    ["an array", "[1,2]", "bad_frame", /not a JSON object/],
    ["no type", '{"id":"x"}', "bad_frame", /no string field 'type'/],
    ["an unknown type", '{"type":"teleport"}', "unknown_type", /unknown frame type 'teleport'; allowed: auth, /],
    ["a send without body", '{"type":"send","id":"m","to":"u"}', "bad_frame", /send: field 'body'/],
    ["a message id over 128 chars", JSON.stringify({ type: "send", id: "x".repeat(129), to: "u", body: "b" }), "bad_frame", /field 'id'/],
    ["a negative prekey id", JSON.stringify({ type: "publish_prekeys", dhKey: "a", dhKeySig: "b", signedPrekey: { id: -1, key: "k", sig: "s" }, oneTimePrekeys: [] }), "bad_frame", /signedPrekey/],
    ["an ack with a number id", '{"type":"ack","acks":[{"from":"u1","id":1}]}', "bad_frame", /field 'acks'/],
    ["an ack without its sender", '{"type":"ack","acks":[{"id":"m1"}]}', "bad_frame", /field 'acks'/],
    ["an ack in the old ids form", '{"type":"ack","ids":["m1"]}', "bad_frame", /'ids' form/],
  ])("rejects %s with a named error", (_name, text, code, message) => {
    const decoded = decodeClientFrame(text);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.code).toBe(code);
      expect(decoded.message).toMatch(message);
    }
  });

  it("decodes relay frames and ignores garbage", () => {
    expect(decodeRelayFrame('{"type":"sent","id":"m","to":"u","ts":1}')).toEqual({ type: "sent", id: "m", to: "u", ts: 1 });
    expect(decodeRelayFrame("garbage")).toBeNull();
    expect(decodeRelayFrame('"string"')).toBeNull();
  });
});

describe("the send frame built as text", () => {
  it("is exactly the JSON encodeFrame gives, with and without a forward count", () => {
    const body = Buffer.from("any bytes \u0000 \"quoted\"").toString("base64");
    expect(encodeSendFrame("12.7", "QQ3poHvqDbMlCxknKuht4A", body)).toBe(encodeFrame({ type: "send", id: "12.7", to: "QQ3poHvqDbMlCxknKuht4A", body }));
    expect(encodeSendFrame("a\"b", "u", body, 5)).toBe(encodeFrame({ type: "send", id: "a\"b", to: "u", body, fwd: 5 }));
    expect(decodeClientFrame(encodeSendFrame("1.1", "u", body, 8))).toEqual({ ok: true, frame: { type: "send", id: "1.1", to: "u", body, fwd: 8 } });
  });
});
