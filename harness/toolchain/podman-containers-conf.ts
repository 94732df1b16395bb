// The containers.conf Podman runs the tests' containers with, written before its API service starts.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const CONTAINERS_CONF = "/etc/containers/containers.conf";
// runc: crun fails where cgroups run in hybrid mode; empty default_ulimits: setting ulimits may not be permitted.
export const WANTED_CONTAINERS_CONF = '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n';

/** Writes the wanted file (keeping the one it replaces as .before-e2ee-chaos); false when it was already so. */
export function writeContainersConf(path = CONTAINERS_CONF): boolean {
  const current = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (current?.trim() === WANTED_CONTAINERS_CONF.trim()) return false;
  mkdirSync(dirname(path), { recursive: true });
  if (current !== undefined) copyFileSync(path, `${path}.before-e2ee-chaos`);
  writeFileSync(path, WANTED_CONTAINERS_CONF);
  return true;
}
