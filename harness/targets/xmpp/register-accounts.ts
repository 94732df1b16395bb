// Bulk in-band registration (XEP-0077) over the server's WebSocket (RFC 7395): `concurrency`
// connections in parallel, each registering one account after another on one unauthenticated
// stream. A `<conflict/>` answer means the account exists already. Bounded in time: every answer
// has a deadline, and so has the whole batch.
import { registerAccount } from "../../protocol/xmpp/stanzas.ts";
import { childOf } from "../../protocol/xmpp/xml.ts";
import { stanzaErrorOf, XmppWsClient } from "./xmpp-ws-client.ts";

export interface AccountToRegister {
  localpart: string;
  password: string;
}

export interface RegisterAccountsOptions {
  /** ws://127.0.0.1:PORT/xmpp-websocket */
  url: string;
  domain: string;
  accounts: AccountToRegister[];
  /** connections in parallel (default 8) */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** for one answer (connect, stream open, one registration); default 15 s */
  answerTimeoutMs?: number;
  /** for the whole batch; default 60 s plus 50 ms per account */
  timeoutMs?: number;
}

export interface RegisteredCount {
  registered: number;
  /** answered `<conflict/>`: an account of that name exists (its password is not checked) */
  existed: number;
}

export const DEFAULT_REGISTRATION_CONCURRENCY = 8;
/** a connection that dies is opened again this many times in a row before the batch fails */
const RECONNECTS = 2;

export async function registerAccounts(opts: RegisterAccountsOptions): Promise<RegisteredCount> {
  const { url, domain, accounts } = opts;
  const total = accounts.length;
  const answerMs = opts.answerTimeoutMs ?? 15_000;
  const batchMs = opts.timeoutMs ?? 60_000 + 50 * total;
  const counts: RegisteredCount = { registered: 0, existed: 0 };
  if (total === 0) return counts;

  let nextIndex = 0;
  let done = 0;
  let failure: Error | null = null;
  const open = new Set<XmppWsClient>();
  const fail = (error: Error) => {
    failure ??= error;
    for (const c of open) c.close();
  };

  const connect = async (): Promise<XmppWsClient> => {
    const client = await XmppWsClient.connect(url, answerMs);
    open.add(client);
    if (failure) client.close();
    await client.openStream(domain, answerMs);
    return client;
  };

  const worker = async (): Promise<void> => {
    let client: XmppWsClient | null = null;
    let reconnects = 0;
    try {
      while (!failure && nextIndex < total) {
        const index = nextIndex++;
        const account = accounts[index];
        const who = `${account.localpart}@${domain}`;
        for (;;) {
          if (failure) return;
          try {
            client ??= await connect();
          } catch (error) {
            throw new Error(`registering ${who}: cannot open a stream on ${url}: ${(error as Error).message}`);
          }
          const id = `reg${index}`;
          let answer;
          try {
            client.send(registerAccount(id, account.localpart, account.password));
            answer = await client.next(answerMs, `answer to the registration of ${who}`);
          } catch (error) {
            // the connection ended under us: open another and ask again (an account the dead
            // connection did register then answers <conflict/> and counts as existing)
            open.delete(client);
            client.close();
            client = null;
            if (failure) return;
            if (++reconnects > RECONNECTS) throw new Error(`registering ${who} on ${url} failed: ${(error as Error).message}`);
            continue;
          }
          if (answer.localName !== "iq" || answer.attrs.id !== id) {
            throw new Error(`registering ${who} on ${url}: the server sent <${answer.name}${answer.attrs.id ? ` id="${answer.attrs.id}"` : ""}> instead of the answer to iq ${id}${answer.localName === "error" ? ` (stream error: ${answer.children.map((c) => c.localName).join(", ")})` : ""}`);
          }
          if (answer.attrs.type === "result") counts.registered++;
          else if (answer.attrs.type === "error" && childOf(answer, "error") && childOf(childOf(answer, "error")!, "conflict")) counts.existed++;
          else throw new Error(`registering ${who} on ${url} failed: ${stanzaErrorOf(answer)}`);
          reconnects = 0;
          break;
        }
        done++;
        opts.onProgress?.(done, total);
      }
    } catch (error) {
      fail(error as Error);
    } finally {
      if (client) {
        open.delete(client);
        client.close();
      }
    }
  };

  const workers = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_REGISTRATION_CONCURRENCY, total));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      fail(new Error(`registering ${total} accounts on ${url} did not finish within ${batchMs} ms (${done} done)`));
      resolve();
    }, batchMs);
  });
  try {
    await Promise.race([Promise.all(Array.from({ length: workers }, worker)), deadline]);
  } finally {
    clearTimeout(timer);
  }
  if (failure) throw failure;
  return counts;
}
