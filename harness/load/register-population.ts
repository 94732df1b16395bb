// An XMPP target needs an account per simulated user before k6 starts: every population member is
// registered in bulk (in-band registration through the server's WebSocket), its password derived
// from a secret made for the run, with a progress line every 2 s.
import { randomBytes } from "node:crypto";
import { EnvironmentError } from "../errors.ts";
import type { Population } from "../../scenarios/lib/population.ts";
import { localpartOf, passwordFor } from "../protocol/xmpp/jid.ts";
import { registerAccounts } from "../targets/xmpp/register-accounts.ts";

export interface RegisteredAccounts {
  /** the secret every password is derived from (k6 gets it as XMPP_SECRET) */
  secret: string;
  registered: number;
  existed: number;
  ms: number;
}

export interface RegisterPopulationOptions {
  /** the scenario's name, for the progress lines */
  name: string;
  /** the server's WebSocket URL (the first network path) */
  url: string;
  domain: string;
  /** the server's name, for the progress lines */
  server: string;
  population: Population;
  log: (line: string) => void;
}

const PROGRESS_EVERY_MS = 2000;

/** A fresh secret per run: a password never repeats between runs. */
export function newXmppSecret(): string {
  return randomBytes(16).toString("hex");
}

export async function registerPopulation(options: RegisterPopulationOptions): Promise<RegisteredAccounts> {
  const { name, population, log } = options;
  const secret = newXmppSecret();
  const total = population.members.length;
  const accounts = population.members.map((m) => ({ localpart: localpartOf(m.userId), password: passwordFor(secret, m.userId) }));
  const started = Date.now();
  log(`[${name}] registering ${total} accounts on ${options.server} (${options.url}, domain ${options.domain})`);
  let lastAt = started;
  const onProgress = (done: number) => {
    const now = Date.now();
    if (done >= total || now - lastAt < PROGRESS_EVERY_MS) return;
    lastAt = now;
    log(`[${name}]   accounts: ${done}/${total} registered (${Math.round(done / Math.max(0.001, (now - started) / 1000))}/s)`);
  };
  const { registered, existed } = await registerAccounts({ url: options.url, domain: options.domain, accounts, onProgress }).catch((error: Error) => {
    // the server is up but refuses what the run needs: its configuration (a --target-config file, say)
    throw new EnvironmentError(`${options.server} did not register the population's accounts: ${error.message}`, `the server's configuration must allow in-band registration (XEP-0077, unthrottled) for domain ${options.domain} over WebSocket at ${new URL(options.url).pathname}`);
  });
  const ms = Date.now() - started;
  log(`[${name}] ${total} accounts ready in ${(ms / 1000).toFixed(1)} s (${registered} registered, ${existed} existed)`);
  return { secret, registered, existed, ms };
}
