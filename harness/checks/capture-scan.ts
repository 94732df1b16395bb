// One traffic-tap capture file, read as a stream: each captured direction of each connection is
// scanned twice, raw (as on the wire, HTTP headers included) and as unmasked WebSocket payloads
// (client frames are masked on the wire), message by message so a leak split over fragments is
// still found. Returns what the capture held (connections by kind, bytes, frames, messages that
// could not be read).
import { readCapture, type CaptureHeader, type CaptureRecord } from "../environments/traffic-tap.ts";
import { StreamScanner, type Hit, type PatternIndex } from "./pattern-scanner.ts";
import { findingOf, type Finding } from "./privacy-finding.ts";
import { WebSocketStreamDecoder, type Direction } from "./websocket-capture.ts";

export type CaptureSummary = Awaited<ReturnType<typeof scanCapture>>;

interface DirectionScan { decoder: WebSocketStreamDecoder; raw: StreamScanner; payload: StreamScanner; control: StreamScanner }

export async function scanCapture(file: string, index: PatternIndex, report: (f: Finding) => void) {
  const summary = { file, path: "", connections: 0, websocketConnections: 0, tlsConnections: 0, otherConnections: 0, connectionsWithFrames: 0, bytes: { clientToServer: 0, serverToClient: 0 }, frames: 0, messages: 0, compressedMessages: 0, truncatedStreams: 0, anomalies: [] as string[] };
  const open = new Map<number, { dirs: Record<Direction, DirectionScan>; closes: number }>();
  const newDirection = (connection: number, direction: Direction): DirectionScan => {
    const at = (layer: Finding["layer"]) => (hit: Hit) => report(findingOf(hit, { source: summary.path || file, connection, direction, layer }));
    const payload = new StreamScanner(index, at("websocket payload"));
    const control = new StreamScanner(index, at("websocket payload"));
    const decoder = new WebSocketStreamDecoder(direction, {
      begin: (channel) => (channel === "data" ? payload : control).reset(),
      payload: (channel, bytes, offset) => (channel === "data" ? payload : control).push(bytes, offset),
    });
    return { decoder, raw: new StreamScanner(index, at("raw bytes")), payload, control };
  };
  const finish = (connection: number) => {
    const state = open.get(connection);
    if (!state) return;
    open.delete(connection);
    const c2s = state.dirs["client-to-server"].decoder, s2c = state.dirs["server-to-client"].decoder;
    for (const d of Object.values(state.dirs)) {
      d.raw.finish();
      d.payload.finish();
      d.control.finish();
      if (d.decoder.truncated) summary.truncatedStreams++;
      if (d.decoder.anomaly && summary.anomalies.length < 20) summary.anomalies.push(`connection ${connection} ${d.decoder.direction}: ${d.decoder.anomaly}`);
    }
    summary.frames += c2s.frames + s2c.frames;
    summary.messages += c2s.messages + s2c.messages;
    summary.compressedMessages += c2s.compressedMessages + s2c.compressedMessages;
    if (c2s.frames + s2c.frames > 0) summary.connectionsWithFrames++;
    if (c2s.kind === "tls" || s2c.kind === "tls") summary.tlsConnections++;
    else if (c2s.kind === "websocket" || s2c.kind === "websocket") summary.websocketConnections++;
    else summary.otherConnections++;
  };
  const stateOf = (connection: number) => {
    let state = open.get(connection);
    if (!state) {
      summary.connections++;
      state = { dirs: { "client-to-server": newDirection(connection, "client-to-server"), "server-to-client": newDirection(connection, "server-to-client") }, closes: 0 };
      open.set(connection, state);
    }
    return state;
  };
  for await (const item of readCapture(file)) {
    if (!("type" in item)) {
      summary.path = (item as CaptureHeader).path;
      continue;
    }
    const record = item as CaptureRecord;
    if (record.type === "open") stateOf(record.connection);
    else if (record.type === "close") {
      const state = stateOf(record.connection);
      if (++state.closes >= 2) finish(record.connection);
    } else {
      const direction: Direction = record.type === "c2s" ? "client-to-server" : "server-to-client";
      const d = stateOf(record.connection).dirs[direction];
      d.raw.push(record.data, d.decoder.bytes);
      d.decoder.push(record.data);
      if (record.type === "c2s") summary.bytes.clientToServer += record.data.length;
      else summary.bytes.serverToClient += record.data.length;
    }
  }
  for (const connection of [...open.keys()]) finish(connection);
  return summary;
}
