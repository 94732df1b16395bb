// In-band registration (XEP-0077), which the harness registers a run's population with: a new
// account answered with a result, the same name again refused with <conflict/>.
import type { ConformanceCheck } from "../check.ts";
import { registerAccount } from "../../protocol/xmpp/stanzas.ts";
import { childOf } from "../../protocol/xmpp/xml.ts";
import { conditionsOf, XmppCheckClient } from "./xmpp-check-client.ts";
import { freshAccount, type XmppCheckContext } from "./xmpp-check-context.ts";

export const registerInBand: ConformanceCheck<XmppCheckContext> = {
  name: "register-in-band",
  expected: "XEP-0077 registration of a new account answered `result`; the same name again answered an error with <conflict/>",
  async run(ctx) {
    const account = freshAccount();
    const client = await XmppCheckClient.connect(ctx.urls[0], { waitMs: ctx.waitMs });
    try {
      await client.openStream(ctx.domain);
      client.send(registerAccount("reg-new", account.localpart, account.password));
      const first = await client.iqAnswer("reg-new", "the answer to registering a new account");
      if (first.attrs.type === "result") ctx.registered?.push(account);
      const firstText = first.attrs.type === "result" ? "result" : `error ${conditionsOf(first)}`;
      // a second stream, as another client would: the name is taken whoever asks
      const again = await XmppCheckClient.connect(ctx.urls[ctx.urls.length - 1], { waitMs: ctx.waitMs });
      try {
        await again.openStream(ctx.domain);
        again.send(registerAccount("reg-dup", account.localpart, `${account.password}-other`));
        const second = await again.iqAnswer("reg-dup", "the answer to registering the same name again");
        const error = childOf(second, "error");
        const conflict = second.attrs.type === "error" && error !== undefined && childOf(error, "conflict") !== undefined;
        const secondText = second.attrs.type === "result" ? "result (registered twice)" : `error ${error?.attrs.type ? `${error.attrs.type}/` : ""}${conditionsOf(second)}`;
        return { ok: first.attrs.type === "result" && conflict, measured: `new account: ${firstText}; same name again: ${secondText}` };
      } finally {
        again.close();
      }
    } finally {
      client.close();
    }
  },
};
