// The per-run configuration of an XMPP server under test, filled in from the template in
// fixtures/targets/<kind>/ (or the user's --target-config file): the same for a local process and a
// container, only the values differ (ports, listen address, paths inside or outside a container).
import { readFileSync } from "node:fs";
import { isMap, parse as parseYaml, parseDocument } from "yaml";
import { EnvironmentError } from "../../errors.ts";
import { XMPP_SERVER_SPECS, type XmppServerKind } from "./xmpp-server-kind.ts";

/** What the {{PLACEHOLDERS}} of a template are filled with. */
export interface XmppConfigValues {
  /** the two WebSocket listeners ({{PORT_1}} {{PORT_2}}) */
  ports: readonly [number, number];
  /** where they listen ({{INTERFACE}}): 127.0.0.1 for a local process, 0.0.0.0 in a container */
  listenAddress: string;
  /** who may register accounts ({{CLIENT_NETWORKS}}, ejabberd): loopback locally, any address in a container (its network is the run's own) */
  clientNetworks: readonly string[];
  /** the server's store ({{DATA_DIR}}) */
  dataDir: string;
  /** {{LOG_FILE}} */
  logFile: string;
  /** {{PID_FILE}} */
  pidFile: string;
  /** the one virtual host ({{DOMAIN}}) */
  domain: string;
  /** {{WS_PATH}} */
  wsPath: string;
}

export const LOOPBACK_NETWORKS = ["127.0.0.0/8", "::1/128"] as const;
export const ANY_NETWORK = ["0.0.0.0/0", "::/0"] as const;

/** The file a server's configuration comes from: the user's, or the template. */
export function xmppConfigSource(kind: XmppServerKind, configFile?: string): string {
  return configFile ?? XMPP_SERVER_SPECS[kind].template;
}

/** Reads the template (or the user's file) and fills it in; an unreadable file is an EnvironmentError naming it. */
export function renderXmppConfig(kind: XmppServerKind, values: XmppConfigValues, options: { configFile?: string; extraConfig?: Record<string, string> } = {}): string {
  const source = xmppConfigSource(kind, options.configFile);
  let text: string;
  try {
    text = readFileSync(source, "utf8");
  } catch (error) {
    throw new EnvironmentError(`cannot read the ${kind} configuration ${source}: ${(error as Error).message}`);
  }
  return fillXmppConfig(kind, text, values, options.extraConfig ?? {});
}

/** Fills in the placeholders (unknown ones stay as written) and adds the extra settings. */
export function fillXmppConfig(kind: XmppServerKind, text: string, values: XmppConfigValues, extra: Record<string, string> = {}): string {
  const placeholders: Record<string, string> = {
    PORT_1: String(values.ports[0]),
    PORT_2: String(values.ports[1]),
    INTERFACE: values.listenAddress,
    CLIENT_NETWORKS: `[${values.clientNetworks.map((n) => JSON.stringify(n)).join(", ")}]`,
    DATA_DIR: values.dataDir,
    LOG_FILE: values.logFile,
    PID_FILE: values.pidFile,
    DOMAIN: values.domain,
    WS_PATH: values.wsPath,
  };
  const filled = text.replace(/\{\{([A-Z0-9_]+)\}\}/g, (whole, name: string) => placeholders[name] ?? whole);
  return kind === "prosody" ? withProsodyExtra(filled, extra) : withEjabberdExtra(filled, extra);
}

/** Prosody: `key = value` lines at {{EXTRA_CONFIG}}, else before the first VirtualHost/Component (later assignments win). */
export function withProsodyExtra(text: string, extra: Record<string, string>): string {
  const lines = Object.entries(extra).map(([key, value]) => `${key} = ${value}`).join("\n");
  if (text.includes("{{EXTRA_CONFIG}}")) return text.replace("{{EXTRA_CONFIG}}", lines);
  if (!lines) return text;
  const at = text.search(/^[ \t]*(VirtualHost|Component)\b/m);
  return at < 0 ? `${text}\n${lines}\n` : `${text.slice(0, at)}${lines}\n${text.slice(at)}`;
}

/** ejabberd: top-level `key: value` set in the YAML (a file that does not parse is left for ejabberd to refuse). */
export function withEjabberdExtra(text: string, extra: Record<string, string>): string {
  const entries = Object.entries(extra);
  if (entries.length === 0) return text;
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return text;
  for (const [key, value] of entries) doc.set(key, doc.createNode(parseYaml(value)));
  return doc.toString();
}
