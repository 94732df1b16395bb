// Runs the XMPP conformance checks against an XMPP server: one an environment started (the target
// prosody or ejabberd behind its network paths), or one already running at a URL (--xmpp-url).
import { connect } from "node:net";
import type { Environment } from "../../environments/environment.ts";
import { EnvironmentError } from "../../errors.ts";
import type { CheckResult } from "../check.ts";
import { runCheckList, type ConformanceReport } from "../run-conformance.ts";
import { xmppCheckContextOf, type XmppCheckContext } from "./xmpp-check-context.ts";
import { XMPP_CONFORMANCE_CHECKS } from "./xmpp-checks.ts";
import { XMPP_WAIT_MS } from "./xmpp-check-client.ts";
import { removeAccounts, type RemovedAccounts } from "./remove-accounts.ts";

/** The XMPP checks against the environment's target (its direct paths, one per listener). */
export function runXmppConformance(env: Environment, onResult?: (r: CheckResult) => void): Promise<ConformanceReport> {
  const ctx = xmppCheckContextOf(env);
  return runCheckList({ environment: env.kind, target: { name: env.target.name, version: env.target.version, protocol: "xmpp", domain: ctx.domain } }, XMPP_CONFORMANCE_CHECKS, ctx, onResult);
}

/** The XMPP checks against a server the harness did not start; the accounts they registered are removed afterwards. */
export async function runXmppConformanceAt(url: string, domain: string, onResult?: (r: CheckResult) => void, waitMs = XMPP_WAIT_MS): Promise<{ report: ConformanceReport; cleanup: RemovedAccounts & { registered: number } }> {
  const ctx: XmppCheckContext = { urls: [url], domain, waitMs, registered: [] };
  const report = await runCheckList({ environment: "none", target: { name: "xmpp", version: null, protocol: "xmpp", url, domain } }, XMPP_CONFORMANCE_CHECKS, ctx, onResult);
  const registered = ctx.registered ?? [];
  return { report, cleanup: { registered: registered.length, ...(await removeAccounts(ctx, registered)) } };
}

/** A TCP connection to the URL's host and port within `timeoutMs`, else an EnvironmentError (exit code 3): nothing to check there. */
export function ensureReachable(url: string, timeoutMs = 3000): Promise<void> {
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, "");
  const portNumber = Number(port || (protocol === "wss:" ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: portNumber });
    const fail = (why: string) => {
      socket.destroy();
      reject(new EnvironmentError(`no XMPP server answers at ${url} (--xmpp-url): ${why}`, "start the server first (the harness starts only prosody and ejabberd: --target prosody|ejabberd), or correct --xmpp-url"));
    };
    socket.setTimeout(timeoutMs, () => fail(`no TCP connection to ${host}:${portNumber} within ${timeoutMs} ms`));
    socket.once("error", (error) => fail(error.message));
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
  });
}
