// Reading the frames a recording hop saw on an XMPP stream (test/support/xmpp-frame-proxy.ts) as
// XEP-0198 counts them: per connection, after <enabled/> or <resumed/>, and which of the client's
// message ids the server's acknowledgements covered.
import { isCountedStanza } from "../../harness/protocol/xmpp/stanzas.ts";
import { parseXmlElement } from "../../harness/protocol/xmpp/xml.ts";
import type { RecordedFrame } from "./xmpp-frame-proxy.ts";

export const parsed = (f: RecordedFrame) => parseXmlElement(f.text);

export function connectionsOf(frames: RecordedFrame[]): number[] {
  return [...new Set(frames.map((f) => f.connection))].sort((a, b) => a - b);
}

export function framesOf(frames: RecordedFrame[], connection: number, from?: "client" | "server"): RecordedFrame[] {
  return frames.filter((f) => f.connection === connection && (!from || f.from === from));
}

/** The frames after the server's <enabled/> (or <resumed/>) on a connection: what XEP-0198 counts. */
export function afterStreamManagement(frames: RecordedFrame[], connection: number): RecordedFrame[] {
  const list = framesOf(frames, connection);
  const at = list.findIndex((f) => f.from === "server" && /^(enabled|resumed)$/.test(parsed(f)?.localName ?? ""));
  return at < 0 ? [] : list.slice(at + 1);
}

/**
 * The server echoed Bob's initial presence on `connection`: he is available, and a message to his
 * bare JID goes to him (before that it goes to offline storage, which was flushed at his presence).
 */
export const available = (frames: RecordedFrame[], connection: number) => afterStreamManagement(frames, connection).some((f) => f.from === "server" && parsed(f)?.localName === "presence");

export const countedIn = (list: RecordedFrame[]) => list.filter((f) => isCountedStanza(parsed(f)?.localName ?? ""));
export const messageIds = (list: RecordedFrame[]) => list.filter((f) => parsed(f)?.localName === "message").map((f) => parsed(f)!.attrs.id ?? "");

/**
 * The message ids the server's acknowledgements covered, in stream order, across connections: a
 * stream starts at <enabled id/>, continues on a connection the server <resumed/>, and its client
 * stanzas are acknowledged by <a h/>, <resumed h/> and <failed h/>. `swallowed`: server frames the
 * client never got (sent into the blackhole).
 */
export function idsCoveredByServer(frames: RecordedFrame[], swallowed: (f: RecordedFrame) => boolean = () => false): string[] {
  interface Stream { sent: (string | null)[]; acked: number }
  const streams = new Map<string, Stream>();
  const current = new Map<number, Stream | null>();
  const resuming = new Map<number, string>();
  const covered: string[] = [];
  const ack = (stream: Stream | undefined | null, h: number) => {
    if (!stream) return;
    for (; stream.acked < h && stream.acked < stream.sent.length; stream.acked++) if (stream.sent[stream.acked]) covered.push(stream.sent[stream.acked]!);
  };
  for (const f of frames) {
    const el = parsed(f);
    if (!el || (f.from === "server" && swallowed(f))) continue;
    const stream = current.get(f.connection);
    if (f.from === "client") {
      if (el.localName === "resume") resuming.set(f.connection, el.attrs.previd ?? "");
      else if (stream && isCountedStanza(el.localName)) stream.sent.push(el.localName === "message" ? el.attrs.id ?? null : null);
      continue;
    }
    if (el.localName === "enabled") {
      const fresh: Stream = { sent: [], acked: 0 };
      current.set(f.connection, fresh);
      if (el.attrs.id) streams.set(el.attrs.id, fresh);
    } else if (el.localName === "resumed") {
      const resumed = streams.get(el.attrs.previd ?? resuming.get(f.connection) ?? "");
      ack(resumed, Number(el.attrs.h));
      current.set(f.connection, resumed ?? null);
    } else if (el.localName === "failed") {
      if (el.attrs.h !== undefined) ack(streams.get(resuming.get(f.connection) ?? ""), Number(el.attrs.h));
    } else if (el.localName === "a") {
      ack(stream, Number(el.attrs.h));
    }
  }
  return covered;
}

export function frameDump(frames: RecordedFrame[], t0: number): string {
  return frames.map((f) => `  c${f.connection} ${f.from === "client" ? "C>" : "<S"} +${f.t - t0}ms ${f.text.length > 300 ? `${f.text.slice(0, 300)}…` : f.text}`).join("\n");
}
