import { describe, expect, it } from "vitest";
import { InboundCounter, OutboundCounter } from "../../scenarios/lib/drivers/xmpp-stream-counters.ts";

describe("XEP-0198 counting on the client", () => {
  it("maps the server's h to message ids in send order, skipping stanzas that are not messages", () => {
    const out = new OutboundCounter();
    out.sent(null); // presence
    out.sent("1.1");
    out.sent("1.2");
    out.sent(null);
    out.sent("1.3");
    expect(out.acknowledge(2)).toEqual(["1.1"]);
    expect(out.acknowledge(2)).toEqual([]);
    expect(out.acknowledge(5)).toEqual(["1.2", "1.3"]);
    expect(out.acknowledge(9)).toEqual([]); // more than was sent: nothing invented
  });

  it("after a resume numbers on from the server's h; after a fresh stream from zero", () => {
    const out = new OutboundCounter();
    out.sent("a");
    out.sent("b");
    out.reset(1);
    out.sent("c");
    expect(out.acknowledge(2)).toEqual(["c"]);
    out.reset();
    out.sent("d");
    expect(out.acknowledge(1)).toEqual(["d"]);
  });

  it("reports only the handled prefix, whatever order deliveries are handled in, and never less than before", () => {
    const inbound = new InboundCounter();
    const [s1, s2, s3] = [inbound.arrived(), inbound.arrived(), inbound.arrived()];
    inbound.handle(s2, inbound.epoch);
    expect(inbound.handled).toBe(0);
    inbound.handle(s1, inbound.epoch);
    expect(inbound.handled).toBe(2);
    inbound.handle(s1, inbound.epoch);
    expect(inbound.handled).toBe(2);
    inbound.handle(s3, inbound.epoch);
    expect(inbound.handled).toBe(3);
  });

  it("after a resume a stanza of the old numbering is not counted again; the resent copies are numbered after h", () => {
    const inbound = new InboundCounter();
    const s1 = inbound.arrived();
    const oldEpoch = inbound.epoch;
    const s2 = inbound.arrived();
    inbound.handle(s1, oldEpoch);
    inbound.restart(false); // resumed with h = 1: the server resends stanza 2
    inbound.handle(s2, oldEpoch);
    expect(inbound.handled).toBe(1);
    const resent = inbound.arrived();
    expect(resent).toBe(2);
    inbound.handle(resent, inbound.epoch);
    expect(inbound.handled).toBe(2);
    inbound.restart(true);
    expect(inbound.handled).toBe(0);
    expect(inbound.arrived()).toBe(1);
  });
});
