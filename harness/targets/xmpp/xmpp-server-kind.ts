// The XMPP servers the harness can run as the server under test, each from its Debian package:
// what to install, how to tell it is installed (and which version, from dpkg's database: ~15 ms,
// where `prosodyctl about` or `ejabberdctl status` take seconds), where it serves RFC 7395
// WebSocket, and which configuration template the harness fills per run.
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const XMPP_SERVERS = ["prosody", "ejabberd"] as const;
export type XmppServerKind = (typeof XMPP_SERVERS)[number];

/** Both servers serve XMPP over WebSocket at this path on every HTTP listener (the templates say so). */
export const XMPP_WS_PATH = "/xmpp-websocket";

export interface XmppServerSpec {
  kind: XmppServerKind;
  /** the Debian package */
  debianPackage: string;
  /** the command that installs it (as root) */
  installCommand: string;
  /** the file the package installs that the harness starts it through */
  launcher: string;
  /** RFC 7395 endpoint path */
  wsPath: string;
  /** the configuration template (fixtures/targets/<kind>/) */
  template: string;
  /** the name the filled-in configuration gets in the data directory */
  configFileName: string;
}

const fixture = (path: string): string => fileURLToPath(new URL(`../../../fixtures/targets/${path}`, import.meta.url));

export const XMPP_SERVER_SPECS: Record<XmppServerKind, XmppServerSpec> = {
  prosody: {
    kind: "prosody",
    debianPackage: "prosody",
    installCommand: "apt-get install -y prosody",
    launcher: "/usr/bin/prosody",
    wsPath: XMPP_WS_PATH,
    template: fixture("prosody/prosody.cfg.lua.template"),
    configFileName: "prosody.cfg.lua",
  },
  ejabberd: {
    kind: "ejabberd",
    debianPackage: "ejabberd",
    installCommand: "apt-get install -y ejabberd",
    // the harness does not run ejabberdctl (see local-xmpp-server.ts) but reads erl's path and
    // ERL_LIBS from it, so it follows the package's own layout
    launcher: "/usr/sbin/ejabberdctl",
    wsPath: XMPP_WS_PATH,
    template: fixture("ejabberd/ejabberd.yml.template"),
    configFileName: "ejabberd.yml",
  },
};

export function isXmppServerKind(value: unknown): value is XmppServerKind {
  return typeof value === "string" && (XMPP_SERVERS as readonly string[]).includes(value);
}

const DPKG_ARGS = (pkg: string) => ["-W", "-f", "${Status}\t${Version}", pkg];

function versionOf(dpkgOutput: string, kind: XmppServerKind): string | null {
  const [status, version] = dpkgOutput.split("\t");
  // "deinstall ok config-files" (removed, not purged) still has a version: not installed
  if (!status?.endsWith(" installed") || !version) return null;
  return existsSync(XMPP_SERVER_SPECS[kind].launcher) ? version : null;
}

/** The installed package's version ("0.12.3-1+deb12u1"), or null when it is not installed (or no dpkg). */
export function installedXmppVersionSync(kind: XmppServerKind): string | null {
  try {
    return versionOf(execFileSync("dpkg-query", DPKG_ARGS(XMPP_SERVER_SPECS[kind].debianPackage), { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 }), kind);
  } catch {
    return null;
  }
}

/** As installedXmppVersionSync, without blocking. */
export function installedXmppVersion(kind: XmppServerKind): Promise<string | null> {
  return new Promise((resolve) => {
    execFile("dpkg-query", DPKG_ARGS(XMPP_SERVER_SPECS[kind].debianPackage), { encoding: "utf8", timeout: 10_000 }, (error, stdout) => {
      resolve(error ? null : versionOf(stdout, kind));
    });
  });
}
