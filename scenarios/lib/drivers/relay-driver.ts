// The reference relay's protocol (fixtures/relay/PROTOCOL.md) as a driver: challenge-response
// login, JSON frames, `sent` as the server's acknowledgement, acks by (sender, id).
import { encodeFrame, encodeSendFrame, decodeRelayFrame, type AckRef } from "../../../harness/protocol/frames.ts";
import type { DialectConnection, LinkOptions, LinkWire } from "../server-link.ts";
import { LinkedDriver } from "./linked-driver.ts";
import type { DriverEvents, PublishedPrekeys, ServerDriver } from "./server-driver.ts";

/** ids per ack frame (the relay accepts up to 1,000) */
const MAX_ACK_IDS = 500;

export class RelayDriver extends LinkedDriver implements ServerDriver {
  /** `authFrame` builds the `auth` frame for a challenge nonce (it signs with the user's identity) */
  constructor(options: LinkOptions, private readonly authFrame: (nonce: string) => Promise<string>, events: DriverEvents) {
    super(options, events);
  }

  protected connection(wire: LinkWire): DialectConnection {
    return { open: () => undefined, text: (data) => this.onText(data, wire) };
  }

  send(id: string, to: string, body: string, fwd?: number): boolean {
    return this.link.send(encodeSendFrame(id, to, body, fwd));
  }

  acknowledge(refs: AckRef[]): number {
    const taken = refs.length > MAX_ACK_IDS ? refs.slice(0, MAX_ACK_IDS) : refs;
    return this.link.send(encodeFrame({ type: "ack", acks: taken })) ? taken.length : 0;
  }

  publishPrekeys(prekeys: PublishedPrekeys): boolean {
    // the relay knows the signing key from the login
    const { signingKey: _, ...fields } = prekeys;
    return this.link.send(encodeFrame({ type: "publish_prekeys", reqId: "publish", ...fields }));
  }

  fetchPrekeys(reqId: string, userId: string): boolean {
    return this.link.send(encodeFrame({ type: "fetch_prekeys", reqId, userId }));
  }

  private onText(data: string, wire: LinkWire): void {
    const frame = decodeRelayFrame(data);
    if (!frame) return;
    const events = this.events;
    switch (frame.type) {
      case "challenge":
        wire.answered();
        this.authFrame(frame.nonce).then((auth) => wire.send(auth), (e) => wire.fail(`auth failed: ${e}`));
        return;
      case "auth_ok":
        return wire.ready();
      case "sent":
        return events.accepted(frame.id);
      case "deliver":
        return events.delivered(frame);
      case "prekeys_ok":
        return events.prekeysPublished();
      case "prekey_bundle":
        if (frame.reqId) events.bundle(frame.reqId, frame);
        return;
      case "error":
        return events.refused({
          code: frame.code, id: frame.id, reqId: frame.reqId, limit: frame.limit,
          ...(RETRYABLE.has(frame.code) ? { retryAfterMs: frame.retryAfterMs ?? (frame.reqId ? 1000 : 500) } : {}),
        });
      default:
        return;
    }
  }
}

/** error codes that mean "busy, try again" rather than "no" */
const RETRYABLE = new Set(["rate_limited", "store_failed", "queue_full", "store_full", "no_prekeys"]);
