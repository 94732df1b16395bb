// An XMPP server on first use, the way k6 is built on first use: taken as installed (its Debian
// package), else installed now with apt-get where the run is root on a Debian-like machine (with
// progress and the time it took), else an EnvironmentError (exit code 3) naming the command that
// installs it.
import { existsSync, readdirSync } from "node:fs";
import { EnvironmentError } from "../errors.ts";
import { findAllOnPath } from "./find-on-path.ts";
import { runWithProgress } from "./run-with-progress.ts";
import { XMPP_SERVER_SPECS, installedXmppVersion, type XmppServerKind } from "../targets/xmpp/xmpp-server-kind.ts";

const installing = new Map<XmppServerKind, Promise<string>>();

/** Why this machine cannot install a Debian package itself; null: it can (root, apt-get on PATH). */
export function cannotInstallPackages(): string | null {
  if (findAllOnPath("apt-get").length === 0) return "apt-get is not on PATH: not a Debian-like machine";
  if (process.getuid?.() !== 0) return "the run is not root";
  return null;
}

/** The installed server's version; installs its package first where the machine allows it. */
export async function ensureXmppServer(kind: XmppServerKind, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  const version = await installedXmppVersion(kind);
  if (version) return version;
  const spec = XMPP_SERVER_SPECS[kind];
  const why = cannotInstallPackages();
  if (why) throw new EnvironmentError(`target ${kind} needs the Debian package ${spec.debianPackage}, which is not installed, and this run cannot install it (${why})`, spec.installCommand);
  let pending = installing.get(kind);
  if (!pending) {
    pending = install(kind, log);
    installing.set(kind, pending);
    pending.catch(() => installing.delete(kind));
  }
  return pending;
}

async function install(kind: XmppServerKind, log: (line: string) => void): Promise<string> {
  const spec = XMPP_SERVER_SPECS[kind];
  const started = Date.now();
  log(`${kind} is not installed: installing the Debian package ${spec.debianPackage} now (first use only)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // a fresh image has no package lists yet
  if (!hasPackageLists()) await runWithProgress({ label: "reading the package lists", command: "apt-get", args: ["update"], env, log });
  await runWithProgress({ label: `installing ${spec.debianPackage}`, command: "apt-get", args: ["install", "-y", spec.debianPackage], env, log });
  const version = await installedXmppVersion(kind);
  if (!version) throw new EnvironmentError(`apt-get installed ${spec.debianPackage} but ${kind} reports no version`, spec.installCommand);
  log(`ok ${kind} ${version} ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return version;
}

function hasPackageLists(): boolean {
  const dir = "/var/lib/apt/lists";
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith("_Packages"));
}
