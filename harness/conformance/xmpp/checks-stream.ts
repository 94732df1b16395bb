// The stream itself (RFC 7395, RFC 6120): the WebSocket upgrade with the `xmpp` subprotocol and
// <open/> answered by <open/> and <stream:features/>; resource binding returning a full JID.
import type { ConformanceCheck } from "../check.ts";
import { NS } from "../../protocol/xmpp/stanzas.ts";
import { XmppCheckClient } from "./xmpp-check-client.ts";
import { bareJid, registerFresh, type XmppCheckContext } from "./xmpp-check-context.ts";

export const websocketOpen: ConformanceCheck<XmppCheckContext> = {
  name: "websocket-xmpp-open",
  expected: "upgrade with subprotocol `xmpp` answered `xmpp` (RFC 7395); <open/> answered with <open/> and <stream:features/>",
  async run(ctx) {
    const client = await XmppCheckClient.connect(ctx.urls[0], { waitMs: ctx.waitMs, requireSubprotocol: false });
    try {
      const protocol = client.protocol;
      const { open, features } = await client.openStream(ctx.domain);
      const framing = open.attrs.xmlns === NS.framing;
      const offered = features.children.map((c) => c.localName);
      const ok = protocol === "xmpp" && framing && offered.length > 0;
      const answer = `<open${open.attrs.from ? ` from='${open.attrs.from}'` : ""}${open.attrs.version ? ` version='${open.attrs.version}'` : ""}/>${framing ? "" : ` in namespace ${open.attrs.xmlns ?? "none"}`}`;
      return { ok, measured: `subprotocol answered: ${protocol || "none"}; ${answer}, features: ${offered.join(" ") || "none"}` };
    } finally {
      client.close();
    }
  },
};

export const bindFullJid: ConformanceCheck<XmppCheckContext> = {
  name: "bind-full-jid",
  expected: "after login, <bind/> returns a full JID: the account's bare JID and a resource",
  async run(ctx) {
    const account = await registerFresh(ctx);
    const { client, jid } = await XmppCheckClient.login(ctx.urls[0], ctx.domain, account, { resource: "conformance-bind", waitMs: ctx.waitMs });
    client.close();
    const slash = jid.indexOf("/");
    const bare = slash < 0 ? jid : jid.slice(0, slash);
    const resource = slash < 0 ? "" : jid.slice(slash + 1);
    const ok = bare.toLowerCase() === bareJid(account, ctx) && resource.length > 0;
    return { ok, measured: ok ? `bound ${jid}` : `bound "${jid}" for ${bareJid(account, ctx)}${resource ? "" : " (no resource)"}` };
  },
};
