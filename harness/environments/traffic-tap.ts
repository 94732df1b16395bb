// A TCP tap in front of one network path: what a volunteer proxy server would see, recorded.
// It listens on 127.0.0.1:<free port>; each accepted connection gets its own connection to the
// path's current upstream (the Toxiproxy proxy), bytes are piped both ways (backpressure kept by
// pipe) and every chunk is appended to a capture file.
//
// Capture file format (binary, big-endian):
//   header:  8 bytes magic "E2ECAP1\n" | u32 n | n bytes UTF-8 JSON { version: 1, path, startedAt }
//   record:  u8 type | u32 connection id | f64 time (ms since the epoch) | u32 n | n bytes payload
//   type 1 "open"  payload JSON { client: "ip:port", upstream: "host:port" }
//   type 2 "c2s"   payload: bytes the client sent towards the upstream, as received
//   type 3 "s2c"   payload: bytes the upstream sent towards the client, as received
//   type 4 "close" payload JSON { side: "client" | "upstream", how: "fin" | "reset" | "<error code>" }
// Connection ids count from 1 per tap. Writes to the file are buffered by a WriteStream;
// flush() waits for them while the tap runs, stop() flushes and closes the file.
//
// How faults behind the tap look to the client: upstream refused or reset -> the client gets a
// reset (RST); upstream FIN -> FIN (half-close kept); upstream silent -> silence. The one visible
// difference: the tap always accepts, so a refused upstream shows as a reset right after connect,
// not as a refused connect.
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";

export const CAPTURE_MAGIC = "E2ECAP1\n";
export type CaptureRecordType = "open" | "c2s" | "s2c" | "close";
const TYPE_CODES: Record<CaptureRecordType, number> = { open: 1, c2s: 2, s2c: 3, close: 4 };
const TYPE_NAMES: Record<number, CaptureRecordType> = { 1: "open", 2: "c2s", 3: "s2c", 4: "close" };
const RECORD_HEADER_BYTES = 17;

export interface CaptureHeader { version: 1; path: string; startedAt: number }
export interface CaptureRecord { type: CaptureRecordType; connection: number; t: number; data: Buffer }
export interface TapUpstream { host: string; port: number }

export interface TrafficTapOptions {
  /** the path's name, written into the capture header */
  name: string;
  file: string;
  /** asked on every accepted connection, so the tap follows the path's current address */
  upstream: () => TapUpstream;
}

export class TrafficTap {
  private readonly sockets = new Set<Socket>();
  private nextConnection = 0;
  private pendingWrites = 0;
  private flushed: (() => void)[] = [];
  private stopping: Promise<void> | null = null;

  private constructor(private readonly server: Server, private readonly out: WriteStream, readonly port: number, readonly options: TrafficTapOptions) {}

  static async start(options: TrafficTapOptions): Promise<TrafficTap> {
    const out = createWriteStream(options.file);
    await new Promise<void>((resolve, reject) => out.once("open", () => resolve()).once("error", reject));
    const header = Buffer.from(JSON.stringify({ version: 1, path: options.name, startedAt: Date.now() } satisfies CaptureHeader));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    out.write(Buffer.concat([Buffer.from(CAPTURE_MAGIC, "latin1"), length, header]));
    const server = createServer({ allowHalfOpen: true });
    try {
      await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", () => resolve()));
    } catch (error) {
      out.destroy();
      throw error;
    }
    const address = server.address();
    const tap = new TrafficTap(server, out, typeof address === "object" && address ? address.port : 0, options);
    server.on("connection", (client) => tap.accept(client));
    return tap;
  }

  get file(): string {
    return this.options.file;
  }

  /** connections accepted so far */
  get connections(): number {
    return this.nextConnection;
  }

  /** sockets (either side of a connection) not yet closed */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Resolves once every chunk recorded so far is in the file (the tap keeps running). */
  flush(): Promise<void> {
    if (this.pendingWrites === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushed.push(resolve));
  }

  /** Closes the listener and every connection, then flushes and closes the capture file. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
      await new Promise<void>((resolve) => this.out.end(() => resolve()));
    })();
    return this.stopping;
  }

  private accept(client: Socket): void {
    if (this.stopping) return void client.destroy();
    const id = ++this.nextConnection;
    const target = this.options.upstream();
    this.record("open", id, Buffer.from(JSON.stringify({ client: `${client.remoteAddress}:${client.remotePort}`, upstream: `${target.host}:${target.port}` })));
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    this.track(client, "client", id);
    this.track(upstream, "upstream", id);
    client.on("data", (chunk: Buffer) => this.record("c2s", id, chunk));
    upstream.on("data", (chunk: Buffer) => this.record("s2c", id, chunk));
    // A reset or error on one side is passed on as a reset; a FIN is passed on by pipe as a FIN.
    client.on("error", () => resetSocket(upstream));
    upstream.on("error", () => resetSocket(client));
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private track(socket: Socket, side: "client" | "upstream", id: number): void {
    this.sockets.add(socket);
    let how = "fin";
    socket.on("error", (error: NodeJS.ErrnoException) => {
      how = error.code === "ECONNRESET" ? "reset" : (error.code ?? "error");
    });
    socket.on("close", () => {
      this.sockets.delete(socket);
      this.record("close", id, Buffer.from(JSON.stringify({ side, how })));
    });
  }

  private record(type: CaptureRecordType, connection: number, data: Buffer): void {
    if (this.out.closed || this.out.writableEnded) return;
    const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
    header.writeUInt8(TYPE_CODES[type], 0);
    header.writeUInt32BE(connection, 1);
    header.writeDoubleBE(Date.now(), 5);
    header.writeUInt32BE(data.length, 13);
    this.pendingWrites++;
    this.out.write(header);
    this.out.write(data, () => {
      if (--this.pendingWrites === 0) for (const resolve of this.flushed.splice(0)) resolve();
    });
  }
}

function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  // resetAndDestroy sends RST (SO_LINGER 0); a socket still connecting is reset once connected
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

/** Reads a capture file record by record, streaming: memory stays near one record plus one read buffer. */
export async function* readCapture(file: string): AsyncGenerator<CaptureHeader | CaptureRecord> {
  let pending: Buffer = Buffer.alloc(0);
  let headerDone = false;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    if (!headerDone) {
      if (pending.length < 12) continue;
      if (pending.toString("latin1", 0, 8) !== CAPTURE_MAGIC) throw new Error(`${file} is not a traffic capture (magic ${JSON.stringify(pending.toString("latin1", 0, 8))})`);
      const n = pending.readUInt32BE(8);
      if (pending.length < 12 + n) continue;
      yield JSON.parse(pending.toString("utf8", 12, 12 + n)) as CaptureHeader;
      headerDone = true;
      at = 12 + n;
    }
    while (pending.length - at >= RECORD_HEADER_BYTES) {
      const n = pending.readUInt32BE(at + 13);
      if (pending.length - at < RECORD_HEADER_BYTES + n) break;
      const type = TYPE_NAMES[pending.readUInt8(at)];
      if (!type) throw new Error(`${file}: unknown record type ${pending.readUInt8(at)} at byte ${at}`);
      yield { type, connection: pending.readUInt32BE(at + 1), t: pending.readDoubleBE(at + 5), data: pending.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + n) };
      at += RECORD_HEADER_BYTES + n;
    }
    pending = pending.subarray(at);
  }
  if (!headerDone) throw new Error(`${file}: capture header missing or cut short`);
  // a record cut short by a crash is ignored: everything before it was read
}
