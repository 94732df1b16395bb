// Decodes one direction of one captured TCP connection: the HTTP upgrade, then RFC 6455 frames,
// into unmasked payload bytes. Client-to-server frames are masked on the wire, so a byte scan of
// the raw capture would miss a plaintext leak there; this decoder undoes the mask. It is fed chunk
// by chunk (headers and payloads may be split anywhere) and keeps no payload in memory: pieces go
// to a sink with the offset of their first byte in this direction's TCP byte stream.
// A stream whose first byte is 0x16 is TLS ("tls"); one that is not an upgrade is "raw"/"http".
// Both are left to a raw byte scan.

export type Direction = "client-to-server" | "server-to-client";
export type StreamKind = "undetermined" | "websocket" | "tls" | "http" | "raw";
/** data: a text/binary message and its continuation frames; control: one close/ping/pong frame */
export type Channel = "data" | "control";

export interface FrameSink {
  /** a data message or a control frame starts; `compressed` when RSV1 (permessage-deflate) is set */
  begin(channel: Channel, opcode: number, compressed: boolean): void;
  /** unmasked payload bytes; `streamOffset` is where bytes[0] lies in this direction's stream */
  payload(channel: Channel, bytes: Uint8Array, streamOffset: number): void;
}

const TLS_HANDSHAKE = 0x16;
const MAX_HTTP_HEADER_BYTES = 64 * 1024;
const CRLFCRLF = [13, 10, 13, 10];

export class WebSocketStreamDecoder {
  kind: StreamKind = "undetermined";
  /** bytes pushed so far (= offset of the next byte) */
  bytes = 0;
  frames = 0;
  messages = 0;
  compressedMessages = 0;
  /** the first framing anomaly seen, if any (decoding goes on where it can) */
  anomaly: string | null = null;

  private firstLine = "";
  private crlfState = 0;
  private httpBytes = 0;
  private readonly header = new Uint8Array(14);
  private headerLength = 0;
  private headerNeed = 2;
  private remaining = 0;
  private masked = false;
  private readonly mask = new Uint8Array(4);
  private maskPos = 0;
  private channel: Channel = "data";
  private fin = true;
  private inMessage = false;

  constructor(readonly direction: Direction, private readonly sink: FrameSink) {}

  push(chunk: Uint8Array): void {
    let i = 0;
    if (this.kind === "undetermined" && chunk.length > 0) {
      i = this.readHttp(chunk);
    }
    if (this.kind === "websocket") this.readFrames(chunk, i);
    this.bytes += chunk.length;
  }

  /** true when the stream ended inside a frame (header or payload) */
  get truncated(): boolean {
    return this.kind === "websocket" && (this.remaining > 0 || this.headerLength > 0);
  }

  /** Consumes HTTP header bytes; returns the index after them (or chunk.length). */
  private readHttp(chunk: Uint8Array): number {
    if (this.httpBytes === 0 && chunk[0] === TLS_HANDSHAKE) {
      this.kind = "tls";
      return chunk.length;
    }
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      this.httpBytes++;
      if (this.firstLine.length < 64 && !this.firstLine.endsWith("\r")) this.firstLine += String.fromCharCode(b);
      this.crlfState = b === CRLFCRLF[this.crlfState] ? this.crlfState + 1 : b === 13 ? 1 : 0;
      if (this.crlfState === 4) {
        this.kind = this.isUpgrade() ? "websocket" : "http";
        return i + 1;
      }
      if (this.httpBytes > MAX_HTTP_HEADER_BYTES) {
        this.kind = "raw";
        return chunk.length;
      }
    }
    if (this.httpBytes >= 4 && !/^(GET |HTTP\/)/.test(this.firstLine)) this.kind = "raw";
    return chunk.length;
  }

  private isUpgrade(): boolean {
    return this.direction === "client-to-server" ? this.firstLine.startsWith("GET ") : /^HTTP\/1\.[01] 101 /.test(this.firstLine);
  }

  private readFrames(chunk: Uint8Array, from: number): void {
    let i = from;
    while (i < chunk.length) {
      if (this.remaining === 0) {
        this.header[this.headerLength++] = chunk[i++];
        if (this.headerLength === 2) {
          const len7 = this.header[1] & 0x7f;
          this.headerNeed = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (this.header[1] & 0x80 ? 4 : 0);
        }
        if (this.headerLength >= 2 && this.headerLength === this.headerNeed) this.startFrame();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - i);
      const piece = chunk.subarray(i, i + take);
      this.sink.payload(this.channel, this.masked ? this.unmask(piece) : piece, this.bytes + i);
      i += take;
      this.remaining -= take;
      if (this.remaining === 0) this.endFrame();
    }
  }

  private startFrame(): void {
    const h = this.header;
    this.fin = (h[0] & 0x80) !== 0;
    const opcode = h[0] & 0x0f;
    const compressed = (h[0] & 0x40) !== 0;
    this.masked = (h[1] & 0x80) !== 0;
    if (this.masked !== (this.direction === "client-to-server")) this.note(`${this.masked ? "masked" : "unmasked"} frame ${this.direction}`);
    let length = h[1] & 0x7f;
    let at = 2;
    if (length === 126) {
      length = (h[2] << 8) | h[3];
      at = 4;
    } else if (length === 127) {
      const high = ((h[2] << 24) >>> 0) + (h[3] << 16) + (h[4] << 8) + h[5];
      const low = ((h[6] << 24) >>> 0) + (h[7] << 16) + (h[8] << 8) + h[9];
      if (high > 0x1fffff) {
        this.note("frame length beyond 2^53: not WebSocket framing; rest left to the raw scan");
        this.kind = "raw";
        this.headerLength = 0;
        return;
      }
      length = high * 2 ** 32 + low;
      at = 10;
    }
    if (this.masked) this.mask.set(h.subarray(at, at + 4));
    this.maskPos = 0;
    this.frames++;
    if (opcode >= 8) {
      this.channel = "control";
      this.sink.begin("control", opcode, compressed);
    } else {
      this.channel = "data";
      if (opcode !== 0 || !this.inMessage) {
        if (opcode === 0) this.note("continuation frame outside a message");
        else if (this.inMessage) this.note("new message before the previous one finished");
        this.inMessage = true;
        this.messages++;
        if (compressed) this.compressedMessages++;
        this.sink.begin("data", opcode, compressed);
      }
    }
    this.headerLength = 0;
    this.headerNeed = 2;
    this.remaining = length;
    if (length === 0) this.endFrame();
  }

  private endFrame(): void {
    if (this.channel === "data" && this.fin) this.inMessage = false;
  }

  private unmask(piece: Uint8Array): Uint8Array {
    const out = new Uint8Array(piece.length);
    for (let k = 0; k < piece.length; k++) out[k] = piece[k] ^ this.mask[(this.maskPos + k) & 3];
    this.maskPos = (this.maskPos + piece.length) & 3;
    return out;
  }

  private note(anomaly: string): void {
    this.anomaly ??= anomaly;
  }
}

export interface DecodedMessage {
  channel: Channel;
  opcode: number;
  compressed: boolean;
  payload: Uint8Array;
  /** stream offset of each payload byte run: [payload index, stream offset] */
  segments: [number, number][];
}

/** Decodes a whole direction held in memory (tests, small captures) into messages. */
export function decodeWebSocketStream(direction: Direction, chunks: Uint8Array[]): { decoder: WebSocketStreamDecoder; messages: DecodedMessage[] } {
  const messages: DecodedMessage[] = [];
  const open: Partial<Record<Channel, { message: DecodedMessage; parts: Uint8Array[]; length: number }>> = {};
  const finish = (channel: Channel) => {
    const current = open[channel];
    if (!current) return;
    const payload = new Uint8Array(current.length);
    let at = 0;
    for (const part of current.parts) {
      payload.set(part, at);
      at += part.length;
    }
    messages.push({ ...current.message, payload });
    delete open[channel];
  };
  const decoder = new WebSocketStreamDecoder(direction, {
    begin(channel, opcode, compressed) {
      finish(channel);
      open[channel] = { message: { channel, opcode, compressed, payload: new Uint8Array(0), segments: [] }, parts: [], length: 0 };
    },
    payload(channel, bytes, streamOffset) {
      const current = open[channel]!;
      current.message.segments.push([current.length, streamOffset]);
      current.parts.push(bytes.slice());
      current.length += bytes.length;
    },
  });
  for (const chunk of chunks) decoder.push(chunk);
  finish("control");
  finish("data");
  return { decoder, messages };
}
