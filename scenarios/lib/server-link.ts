// One simulated user's connection to the server, whatever its protocol: endpoint failover,
// reconnect with backoff and liveness pings. The protocol's login and frames are a dialect's
// (drivers/): the link knows sockets, not messages.
import { WebSocket } from "k6/websockets";
import { reconnectDelayMs, type BackoffPolicy } from "./backoff.ts";
import type { Endpoint } from "./endpoints.ts";
import { nextPingAfterMs } from "./ping-schedule.ts";
import type { Random } from "./seeded-random.ts";

export interface LinkOptions {
  endpoints: Endpoint[];
  backoff: BackoffPolicy;
  /**
   * give up on a connection whose server has not answered after this long (a silent drop never
   * answers); once it has, the login is judged by the liveness rule below, so a busy server's
   * slow login is waited for rather than abandoned and started again
   */
  connectTimeoutMs: number;
  pingIntervalMs: number;
  /** declare the connection dead when nothing arrived for this long */
  silenceTimeoutMs: number;
  random: Random;
}

export type ConnectionEventKind = "connecting" | "failed" | "dropped" | "failover" | "backoff";
export interface ConnectionEvent { kind: ConnectionEventKind; endpoint: string; reason?: string; delayMs?: number }

export interface LinkHandlers {
  onReady(endpoint: Endpoint): void;
  onConnectionEvent(event: ConnectionEvent): void;
}

/** What a dialect may do on the one connection it was given; calls on a connection since gone do nothing. */
export interface LinkWire {
  /** sends a frame, before the login too; false when it could not */
  send(text: string): boolean;
  /** the server answered (the relay's challenge, XMPP's stream header): the connect timeout is over */
  answered(): void;
  /** logged in: the link is ready for the user's frames */
  ready(): void;
  /** the login failed: fail over as for a refused connection */
  fail(reason: string): void;
}

/** A protocol's side of one connection: what to send once it opens, what to do with each frame. */
export interface DialectConnection {
  open(): void;
  text(data: string): void;
  /**
   * The liveness probe at the protocol's level, a frame the server answers, sent instead of a
   * WebSocket ping; null or absent: a WebSocket ping.
   */
  probe?(): string | null;
}

export interface LinkDialect {
  /** the WebSocket subprotocol the server requires, if any */
  subprotocol?: string;
  connection(wire: LinkWire): DialectConnection;
}

export class ServerLink {
  private socket: WebSocket | null = null;
  private connection: DialectConnection | null = null;
  private generation = 0;
  private endpointIndex = 0;
  /** connection attempts that failed since the last login */
  private failedAttempts = 0;
  private ready = false;
  /** the server answered on the current connection: it is there, the login under way */
  private answered = false;
  private stopped = false;
  private lastFrameAt = 0;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private lastPingAt = 0;
  /** quiet time after which the next ping goes out (jittered: ping-schedule.ts) */
  private pingAfterMs = 0;

  constructor(private readonly options: LinkOptions, private readonly dialect: LinkDialect, private readonly handlers: LinkHandlers) {}

  get isReady(): boolean {
    return this.ready;
  }

  get endpoint(): Endpoint {
    return this.options.endpoints[this.endpointIndex];
  }

  start(): void {
    this.connect();
  }

  /** Sends a frame if logged in; returns false (frame not sent) otherwise. */
  send(text: string): boolean {
    return this.ready && !!this.socket && sendOn(this.socket, text);
  }

  stop(): void {
    this.stopped = true;
    this.abandon();
    // cleared only here, once the VU's own tick is cleared too (see abandon), so the VU's iteration ends without them
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  private connect(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    const endpoint = this.endpoint;
    this.pingAfterMs = nextPingAfterMs(this.options.pingIntervalMs, this.options.random);
    this.handlers.onConnectionEvent({ kind: "connecting", endpoint: endpoint.name });
    // k6 v2.2.0 sends the subprotocol (its types still call the argument reserved)
    const socket = new WebSocket(endpoint.url, (this.dialect.subprotocol ?? null) as null);
    this.socket = socket;
    const current = () => generation === this.generation && !this.stopped;
    this.later(() => current() && !this.answered && this.fail(`no answer from the server after ${this.options.connectTimeoutMs} ms`), this.options.connectTimeoutMs);
    const connection = (this.connection = this.dialect.connection({
      send: (text) => current() && sendOn(socket, text),
      answered: () => {
        if (current()) this.answered = true;
      },
      ready: () => {
        if (!current()) return;
        this.ready = true;
        this.failedAttempts = 0;
        this.handlers.onReady(endpoint);
      },
      fail: (reason) => current() && this.fail(reason),
    }));

    socket.onopen = () => {
      if (!current()) closeWhenSafe(socket);
      else connection.open();
    };
    socket.onmessage = (event) => {
      if (!current()) return closeWhenSafe(socket);
      this.lastFrameAt = Date.now();
      connection.text(String(event?.data ?? ""));
    };
    socket.onpong = () => {
      if (current()) this.lastFrameAt = Date.now();
    };
    socket.onerror = (event) => current() && this.lost(String(event?.error ?? "socket error"));
    socket.onclose = () => current() && this.lost("closed by peer");
  }

  private lost(reason: string): void {
    if (this.ready) this.drop(reason);
    else this.fail(reason);
  }

  /** An established, logged-in connection died: reconnect to the same endpoint after a backoff. */
  private drop(reason: string): void {
    this.handlers.onConnectionEvent({ kind: "dropped", endpoint: this.endpoint.name, reason });
    this.abandon();
    this.failedAttempts = 0;
    this.retryAfterBackoff(1);
  }

  /**
   * A connection attempt failed. On the first pass through the endpoint list the client fails
   * over to the next endpoint at once; once every endpoint has failed, it backs off before every
   * further attempt (jittered, or fixed for the naive client), so an outage does not turn into a
   * retry loop, and the end of one does not turn into a synchronized stampede.
   */
  private fail(reason: string): void {
    this.handlers.onConnectionEvent({ kind: "failed", endpoint: this.endpoint.name, reason });
    this.abandon();
    this.endpointIndex = (this.endpointIndex + 1) % this.options.endpoints.length;
    const pastFirstPass = ++this.failedAttempts - this.options.endpoints.length;
    if (pastFirstPass < 0) {
      this.handlers.onConnectionEvent({ kind: "failover", endpoint: this.endpoint.name });
      this.connect();
      return;
    }
    this.retryAfterBackoff(pastFirstPass + 1);
  }

  private retryAfterBackoff(attempt: number): void {
    const delayMs = reconnectDelayMs(this.options.backoff, attempt, this.options.random);
    this.handlers.onConnectionEvent({ kind: "backoff", endpoint: this.endpoint.name, delayMs });
    this.later(() => this.connect(), delayMs);
  }

  /**
   * Liveness, called by the VU for all its users every few ticks (one timer per VU, not one per
   * user: per-user intervals cost 0.4 cores for 3,000 idle users), from the server's answer on:
   * a login under way is judged as a logged-in connection is. A ping (the dialect's probe, or a
   * WebSocket ping) goes out
   * once nothing has arrived for about pingIntervalMs (3/4 of it to all of it, drawn per ping so
   * that many clients' pings spread out; the server's WebSocket layer answers it; a busy
   * connection needs none); the connection is declared dead once nothing, not even a pong, has
   * arrived for silenceTimeoutMs and a ping went unanswered. A client whose own event loop fell
   * behind (a saturated load generator) checks late and may find a long silence without having
   * pinged: it pings then, rather than blame the server for its own backlog.
   */
  keepAlive(now: number): void {
    if (!this.answered || !this.socket) return;
    const quietMs = now - this.lastFrameAt;
    if (quietMs > this.options.silenceTimeoutMs && this.lastPingAt > this.lastFrameAt) {
      this.lost(`${this.ready ? "" : "not logged in: "}silent for more than ${this.options.silenceTimeoutMs} ms`);
      return;
    }
    if (quietMs < this.pingAfterMs || now - this.lastPingAt < this.pingAfterMs) return;
    this.lastPingAt = now;
    this.pingAfterMs = nextPingAfterMs(this.options.pingIntervalMs, this.options.random);
    const probe = this.connection?.probe?.() ?? null;
    if (probe !== null) {
      sendOn(this.socket, probe);
      return;
    }
    try {
      this.socket.ping();
    } catch {
      // the close event follows
    }
  }

  /**
   * Forgets the current socket: its late events and timers are ignored (stale generation). The
   * timers are not cleared: abandon runs inside the VU's liveness tick, and k6 v2.2.0 forgets a
   * running setInterval when a clearTimeout inside it empties its timer queue (the tick stopped
   * and the VU never finished).
   */
  private abandon(): void {
    this.generation++;
    this.ready = false;
    this.answered = false;
    const socket = this.socket;
    this.socket = null;
    this.connection = null;
    if (socket) closeWhenSafe(socket);
  }

  private later(task: () => unknown, delayMs: number): void {
    const generation = this.generation;
    const timer = setTimeout(() => {
      this.timers = this.timers.filter((t) => t !== timer);
      if (generation === this.generation) task();
    }, delayMs);
    this.timers.push(timer);
  }
}

/**
 * Closes a socket that has opened. k6's close() on a socket still connecting blocks the whole VU
 * until the dial ends (forever behind a silent drop), so such a socket is left to finish
 * dialing: its late open is closed then, and its events are ignored (stale generation).
 */
const OPEN = 1;

function sendOn(socket: WebSocket, text: string): boolean {
  try {
    socket.send(text);
    return true;
  } catch {
    return false;
  }
}

function closeWhenSafe(socket: WebSocket): void {
  if (socket.readyState !== OPEN) return;
  try {
    socket.close();
  } catch {
    // already closing
  }
}
