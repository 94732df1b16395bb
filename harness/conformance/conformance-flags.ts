// The flags of `npm run chaos -- conformance`, parsed strictly into what to check: a target the
// harness starts in an environment (the relay, or prosody/ejabberd as a run starts them), or an
// XMPP server already running at a URL. Bad input is an InputError naming the flag and what is
// allowed, before anything starts.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { InputError } from "../errors.ts";
import { checkRelayEnvironment, relayUnderTestFrom, type RelayUnderTest } from "../environments/relay-under-test.ts";
import { checkTargetFits } from "../targets/target-fits.ts";
import { DEFAULT_TARGET, parseTarget, type TargetName } from "../targets/target.ts";

export type ConformanceRequest =
  | { kind: "help" }
  | {
      kind: "environment";
      /** --env as given (undefined: CHAOS_ENV or auto) */
      env?: string;
      relay: RelayUnderTest | null;
      target: TargetName;
      /** "--target=prosody", "CHAOS_TARGET=prosody", or "default" */
      chosenBy: string;
      targetConfig?: string;
      reportsDir: string;
    }
  | { kind: "url"; url: string; domain: string; reportsDir: string };

const URL_EXAMPLE = "ws://127.0.0.1:5280/xmpp-websocket";
/** flags that start or choose a server: meaningless with --xmpp-url, which starts nothing */
const STARTING_FLAGS = ["target", "target-config", "env", "relay-command", "relay-image"] as const;

export function parseConformanceFlags(args: string[], usage: string, environ: NodeJS.ProcessEnv = process.env): ConformanceRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        env: { type: "string" }, target: { type: "string" }, "target-config": { type: "string" }, "relay-command": { type: "string" }, "relay-image": { type: "string" },
        "xmpp-url": { type: "string" }, "xmpp-domain": { type: "string" }, reports: { type: "string" }, help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new InputError(`${(e as Error).message}\n${usage}`);
  }
  if (values.help) return { kind: "help" };
  const reportsDir = values.reports ?? "reports";

  const rawUrl = values["xmpp-url"];
  if (rawUrl !== undefined) {
    const clash = STARTING_FLAGS.find((flag) => values[flag] !== undefined);
    if (clash) {
      throw new InputError(`--xmpp-url and --${clash}: --xmpp-url checks an XMPP server that is already running and starts nothing; allowed: --xmpp-url URL --xmpp-domain DOMAIN alone (and --reports), or --${clash} without --xmpp-url to have the harness start the server`);
    }
    const url = xmppUrlFrom(rawUrl);
    const domain = values["xmpp-domain"];
    if (domain === undefined) throw new InputError(`--xmpp-url ${rawUrl} needs --xmpp-domain DOMAIN: the XMPP domain (virtual host) the server's accounts live on, e.g. --xmpp-domain localhost`);
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(domain)) throw new InputError(`--xmpp-domain ${JSON.stringify(domain)}: allowed: a domain name such as localhost or chat.example.com`);
    return { kind: "url", url, domain, reportsDir };
  }
  if (values["xmpp-domain"] !== undefined) throw new InputError(`--xmpp-domain ${values["xmpp-domain"]} without --xmpp-url: allowed: --xmpp-domain with --xmpp-url ${URL_EXAMPLE}`);

  const relay = relayUnderTestFrom({ relayCommand: values["relay-command"], relayImage: values["relay-image"] }, environ);
  checkRelayEnvironment(relay, values.env ?? (environ.CHAOS_ENV || undefined), values.env !== undefined ? "--env" : "CHAOS_ENV");
  // --target, else CHAOS_TARGET (a flag wins over the variable), as the run command reads them
  const rawTarget = values.target ?? (environ.CHAOS_TARGET || undefined);
  const given = values.target !== undefined ? "--target" : "CHAOS_TARGET";
  const target = rawTarget === undefined ? DEFAULT_TARGET : parseTarget(rawTarget, given);
  const chosenBy = rawTarget === undefined ? "default" : `${given}=${rawTarget}`;
  const targetConfig = targetConfigFrom(values["target-config"]);
  checkTargetFits({ target, chosenBy: rawTarget === undefined ? `target ${target}` : chosenBy, tls: false, relay, targetConfig });
  return { kind: "environment", env: values.env, relay, target, chosenBy, ...(targetConfig !== undefined ? { targetConfig } : {}), reportsDir };
}

function xmppUrlFrom(raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "ws:" && url.protocol !== "wss:") || !url.hostname) {
    throw new InputError(`--xmpp-url ${JSON.stringify(raw)}: not a ws:// or wss:// URL; allowed: the server's XMPP-over-WebSocket endpoint (RFC 7395), e.g. ${URL_EXAMPLE}`);
  }
  return url.href;
}

function targetConfigFrom(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(`--target-config ${file}: no such file; allowed: a path to an existing configuration file of the XMPP server (prosody: a .cfg.lua file, ejabberd: a .yml file)`);
  return resolve(file);
}
