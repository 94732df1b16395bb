import { describe, expect, it } from "vitest";
import { localpartOf, passwordFor, userIdOfJid } from "../../harness/protocol/xmpp/jid.ts";
import { envelopeMessage, saslPlain } from "../../harness/protocol/xmpp/stanzas.ts";
import { childOf, escapeXml, parseXmlElement } from "../../harness/protocol/xmpp/xml.ts";

describe("the XMPP element parser", () => {
  it("reads a delivered message as Prosody and ejabberd write it: single or double quotes, prefixes, entities, nested children", () => {
    const el = parseXmlElement(`<message xmlns='jabber:client' from="a@localhost/k6" id='1.2' type='chat'><e2e xmlns='urn:e2ee-chaos:envelope:1'>QUJD</e2e><delay xmlns='urn:xmpp:delay' stamp='2026-12-06T01:56:36Z'/><body>a &lt;b&gt; &amp; &#x263A; &#65;</body></message>`);
    expect(el?.attrs).toMatchObject({ from: "a@localhost/k6", id: "1.2", type: "chat" });
    expect(childOf(el!, "e2e", "urn:e2ee-chaos:envelope:1")?.text).toBe("QUJD");
    expect(childOf(el!, "e2e", "other")).toBeUndefined();
    expect(childOf(el!, "delay")?.attrs.stamp).toBe("2026-12-06T01:56:36Z");
    expect(childOf(el!, "body")?.text).toBe("a <b> & \u263A A");
    const features = parseXmlElement(`<?xml version='1.0'?><stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`);
    expect(features?.name).toBe("stream:features");
    expect(features?.localName).toBe("features");
    expect(childOf(features!, "mechanisms")?.children.map((m) => m.text)).toEqual(["PLAIN"]);
  });

  it("refuses what is not one whole element, without throwing", () => {
    for (const bad of ["", "text", "<a>", "<a></b>", "<a/><b/>", "<a x='1'>unclosed", "</a>", "<a/>trailing", "<a><</a>"]) expect(parseXmlElement(bad), bad).toBeNull();
  });

  it("escapes what it writes, so an id or a JID cannot open an element", () => {
    expect(escapeXml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
    const el = parseXmlElement(envelopeMessage(`x"/><evil/>`, "b@localhost", "QUJD", 8));
    expect(el?.attrs.id).toBe(`x"/><evil/>`);
    expect(el?.children.map((c) => c.localName)).toEqual(["e2e"]);
    expect(childOf(el!, "e2e")?.attrs.fwd).toBe("8");
    expect(childOf(el!, "body")).toBeUndefined();
  });

  it("SASL PLAIN carries authzid, user and password separated by NUL bytes", () => {
    const el = parseXmlElement(saslPlain("abc", "pw"));
    expect(el?.attrs.mechanism).toBe("PLAIN");
    expect(Buffer.from(el!.text, "base64").toString()).toBe("\u0000abc\u0000pw");
  });
});

describe("population members as XMPP accounts", () => {
  it("maps a mixed-case userId to a lower-case localpart and back exactly", () => {
    const userId = Buffer.from("00ff10abcdef0123456789abcdefABCD".slice(0, 32), "hex").toString("base64url");
    const local = localpartOf(userId);
    expect(local).toMatch(/^[0-9a-f]{32}$/);
    expect(userIdOfJid(`${local}@localhost/k6`)).toBe(userId);
    expect(userIdOfJid(`${local}@localhost`)).toBe(userId);
    expect(userIdOfJid("localhost")).toBeNull();
    expect(userIdOfJid("Not-Ours@localhost")).toBeNull();
    expect(passwordFor("s3cret", userId)).not.toBe(passwordFor("other", userId));
  });
});
