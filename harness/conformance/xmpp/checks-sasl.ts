// SASL (RFC 6120 section 6, RFC 4616): the mechanisms offered, a PLAIN login of a registered
// account, and a wrong password refused with <failure/> (not <success/>).
import type { ConformanceCheck } from "../check.ts";
import { NS } from "../../protocol/xmpp/stanzas.ts";
import { childOf } from "../../protocol/xmpp/xml.ts";
import { conditionsOf, XmppCheckClient } from "./xmpp-check-client.ts";
import { registerFresh, type XmppCheckContext } from "./xmpp-check-context.ts";

export const saslPlainLogin: ConformanceCheck<XmppCheckContext> = {
  name: "sasl-plain-login",
  expected: "PLAIN among the offered mechanisms; PLAIN login of a registered account answered <success/>",
  async run(ctx) {
    const account = await registerFresh(ctx);
    const client = await XmppCheckClient.connect(ctx.urls[0], { waitMs: ctx.waitMs });
    try {
      const { features } = await client.openStream(ctx.domain);
      const mechanisms = childOf(features, "mechanisms", NS.sasl)?.children.map((m) => m.text.trim()) ?? [];
      const offered = `mechanisms: ${mechanisms.join(" ") || "none"}`;
      if (!mechanisms.includes("PLAIN")) return { ok: false, measured: `${offered} (no PLAIN)` };
      const outcome = await client.authenticate(account);
      const ok = outcome.localName === "success";
      return { ok, measured: `${offered}; PLAIN login: ${ok ? "<success/>" : `<${outcome.localName}> ${conditionsOf(outcome)}`}` };
    } finally {
      client.close();
    }
  },
};

export const saslWrongPassword: ConformanceCheck<XmppCheckContext> = {
  name: "sasl-wrong-password",
  expected: "PLAIN with a wrong password for a registered account answered <failure/> (not-authorized)",
  async run(ctx) {
    const account = await registerFresh(ctx);
    const client = await XmppCheckClient.connect(ctx.urls[0], { waitMs: ctx.waitMs });
    try {
      await client.openStream(ctx.domain);
      const outcome = await client.authenticate({ localpart: account.localpart, password: `${account.password}-wrong` });
      const ok = outcome.localName === "failure";
      return { ok, measured: ok ? `<failure/>: ${conditionsOf(outcome)}` : `answered <${outcome.localName}/> to a wrong password` };
    } finally {
      client.close();
    }
  },
};
