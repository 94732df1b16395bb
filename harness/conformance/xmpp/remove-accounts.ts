// Removes the accounts the checks registered (XEP-0077 section 3.2: <remove/> on a logged-in
// stream), so checking a server by --xmpp-url leaves nothing behind on it. Best effort and bounded
// in time: what could not be removed is counted and named, never a failed check.
import { NS } from "../../protocol/xmpp/stanzas.ts";
import { describeElement, XmppCheckClient, type XmppAccount } from "./xmpp-check-client.ts";
import type { XmppCheckContext } from "./xmpp-check-context.ts";

export interface RemovedAccounts {
  removed: number;
  /** localpart: why, for each account still there */
  left: string[];
}

const CONCURRENCY = 4;

export async function removeAccounts(ctx: XmppCheckContext, accounts: readonly XmppAccount[]): Promise<RemovedAccounts> {
  const result: RemovedAccounts = { removed: 0, left: [] };
  let next = 0;
  const worker = async () => {
    while (next < accounts.length) {
      const account = accounts[next++];
      try {
        await removeOne(ctx, account);
        result.removed++;
      } catch (error) {
        result.left.push(`${account.localpart}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, accounts.length) }, worker));
  return result;
}

async function removeOne(ctx: XmppCheckContext, account: XmppAccount): Promise<void> {
  const { client } = await XmppCheckClient.login(ctx.urls[0], ctx.domain, account, { resource: "conformance-cleanup", waitMs: ctx.waitMs });
  try {
    client.send(`<iq xmlns="${NS.client}" type="set" id="unreg"><query xmlns="${NS.register}"><remove/></query></iq>`);
    // the server may answer, or end the stream of the account it just removed
    const answer = await client.iqAnswer("unreg", "the answer to removing the account").catch((error: Error) => (client.closeInfo ? null : Promise.reject(error)));
    if (answer && answer.attrs.type !== "result") throw new Error(`removal answered ${describeElement(answer)}`);
  } finally {
    client.close();
  }
}
