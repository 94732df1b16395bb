// The Debian packages the tests use beyond npm's, each with the program that shows it is installed.
import { findAllOnPath } from "./find-on-path.ts";
import { XMPP_SERVER_SPECS, installedXmppVersion } from "../targets/xmpp/xmpp-server-kind.ts";

export interface SystemPackage {
  aptPackage: string;
  /** What the tests use it for, in the progress lines. */
  usedFor: string;
  installed(): Promise<boolean>;
}

const onPath = (command: string) => async () => findAllOnPath(command).length > 0;

/** Needed only where no container engine answers: Podman (with runc, see containers.conf) serves one. */
export const ENGINE_PACKAGES: readonly SystemPackage[] = [
  { aptPackage: "podman", usedFor: "the container engine", installed: onPath("podman") },
  { aptPackage: "runc", usedFor: "Podman's OCI runtime", installed: onPath("runc") },
];

export const TEST_PACKAGES: readonly SystemPackage[] = [
  { aptPackage: "chromium", usedFor: "the HTML report tests", installed: onPath("chromium") },
  { aptPackage: XMPP_SERVER_SPECS.prosody.debianPackage, usedFor: "the XMPP target tests", installed: async () => (await installedXmppVersion("prosody")) !== null },
  { aptPackage: XMPP_SERVER_SPECS.ejabberd.debianPackage, usedFor: "the XMPP target tests", installed: async () => (await installedXmppVersion("ejabberd")) !== null },
  { aptPackage: "libxml2-utils", usedFor: "xmllint, the JUnit schema test", installed: onPath("xmllint") },
  { aptPackage: "strace", usedFor: "the relay's data-directory fsync test", installed: onPath("strace") },
];

export async function missingPackages(packages: readonly SystemPackage[]): Promise<SystemPackage[]> {
  const installed = await Promise.all(packages.map((p) => p.installed()));
  return packages.filter((_, i) => !installed[i]);
}
