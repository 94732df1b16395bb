// A root filesystem for an empty (FROM scratch) image, made of installed Debian packages: the
// package, its dependency closure from dpkg's database, every file `dpkg -L` lists for them (at the
// same paths, symbolic links kept), and the shared libraries `ldd` reports for the ELF files among them.
//
// What the closure leaves out, and why:
// - shared-library packages (lib*): of those, the image gets exactly the libraries the binaries are
//   linked against (ldd), not the whole package (libc6's locales and gconv, say);
// - Essential packages (dpkg, tar, coreutils, ...): the base system every Debian host has, which the
//   maintainer scripts use and the server does not;
// - the packages named in HOST_SETUP_PACKAGES: what the maintainer scripts use to create the server's
//   user, ask questions, merge configuration files, register services and make certificates.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, openSync, readlinkSync, readSync, closeSync, symlinkSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { EnvironmentError } from "../errors.ts";

const run = promisify(execFile);

/** Used only when a package is installed or removed on a host, never by the server running in an image. */
export const HOST_SETUP_PACKAGES: Readonly<Record<string, string>> = {
  adduser: "creates the system user (the image gets its own /etc/passwd)",
  passwd: "user management for adduser",
  debconf: "installation questions",
  ucf: "merges configuration files on upgrade",
  "sensible-utils": "used by ucf",
  "init-system-helpers": "registers services with systemd/sysvinit",
  "lsb-base": "init scripts",
  usrmerge: "the host's /usr layout",
  "ssl-cert": "makes the host's snakeoil certificate",
  openssl: "the command that makes certificates at installation",
  "ca-certificates": "the host's trust store (the servers in the images speak no TLS)",
  procps: "ps and friends for init scripts",
};

/** Paths of a package that an image never needs: documentation, service and host integration files. */
const UNNEEDED_PATHS = [
  "/usr/share/doc/", "/usr/share/man/", "/usr/share/info/", "/usr/share/lintian/", "/usr/share/bug/",
  "/etc/init.d/", "/lib/systemd/", "/usr/lib/systemd/", "/etc/logrotate.d/", "/etc/apparmor.d/",
  "/etc/ufw/", "/usr/lib/tmpfiles.d/", "/etc/default/",
];

export interface InstalledPackage {
  name: string;
  version: string;
  essential: boolean;
  /** groups of alternatives: [["debconf", "debconf-2.0"], ["lua5.4"]] */
  depends: string[][];
}

export interface PackageClosure {
  /** the packages whose files go into the image, the roots first, then in the order they were reached */
  packages: InstalledPackage[];
  /** dependencies not followed, each with the reason */
  skipped: { name: string; reason: string }[];
}

/** Every installed package, and which installed packages provide each virtual name. */
export async function installedPackages(): Promise<{ byName: Map<string, InstalledPackage>; providers: Map<string, string[]> }> {
  let stdout: string;
  try {
    ({ stdout } = await run("dpkg-query", ["-W", "-f", "${Package}\t${db:Status-Status}\t${Version}\t${Essential}\t${Provides}\t${Depends}\t${Pre-Depends}\n"], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    throw new EnvironmentError(`cannot read the installed packages with dpkg-query: ${(error as Error).message.split("\n")[0]}`, "building the XMPP servers' images offline needs a Debian host (dpkg) with the servers installed");
  }
  const byName = new Map<string, InstalledPackage>();
  const providers = new Map<string, string[]>();
  for (const line of stdout.split("\n")) {
    const [name, status, version, essential, provides, depends, preDepends] = line.split("\t");
    if (!name || status !== "installed" || !version) continue;
    const groups = [depends, preDepends].filter(Boolean).join(", ");
    byName.set(name, { name, version, essential: essential === "yes", depends: parseDepends(groups) });
    for (const provided of parseDepends(provides ?? "").flat()) providers.set(provided, [...(providers.get(provided) ?? []), name]);
  }
  return { byName, providers };
}

/** "a (>= 1) | b, c:any" -> [["a", "b"], ["c"]] */
export function parseDepends(field: string): string[][] {
  return field
    .split(",")
    .map((group) => group.split("|").map((alt) => alt.trim().split(/[\s(]/)[0]!.replace(/:.*$/, "")).filter(Boolean))
    .filter((group) => group.length > 0);
}

/** The closure of `roots` over Depends and Pre-Depends (the first installed alternative of each group), as described at the top. */
export async function packageClosure(roots: string[]): Promise<PackageClosure> {
  const { byName, providers } = await installedPackages();
  const resolve = (name: string): string | null => (byName.has(name) ? name : (providers.get(name) ?? []).find((p) => byName.has(p)) ?? null);
  const packages: InstalledPackage[] = [];
  const skipped = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [...roots];
  for (const root of roots) {
    if (!byName.has(root)) throw new EnvironmentError(`the Debian package ${root} is not installed: its image cannot be built offline`, `apt-get install -y ${root}`);
  }
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const pkg = byName.get(name)!;
    packages.push(pkg);
    for (const group of pkg.depends) {
      const chosen = group.map(resolve).find((p): p is string => p !== null);
      if (!chosen) throw new EnvironmentError(`${name} depends on ${group.join(" | ")}, which is not installed: its image cannot be built offline`, `apt-get install -y ${roots.join(" ")}`);
      if (seen.has(chosen)) continue;
      const reason = skipReason(byName.get(chosen)!);
      if (reason) {
        skipped.set(chosen, reason);
        continue;
      }
      queue.push(chosen);
    }
  }
  return { packages, skipped: [...skipped].map(([name, reason]) => ({ name, reason })) };
}

function skipReason(pkg: InstalledPackage): string | null {
  if (pkg.name.startsWith("lib")) return "shared library package: the libraries the binaries link come in through ldd";
  if (pkg.essential) return "Essential package (the base system)";
  return HOST_SETUP_PACKAGES[pkg.name] ?? null;
}

/** The paths `dpkg -L` lists for a package, without those no image needs. */
export async function packagePaths(pkg: string): Promise<string[]> {
  const { stdout } = await run("dpkg-query", ["-L", pkg], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split("\n")
    .map((p) => p.trim())
    .filter((p) => p.startsWith("/") && p !== "/." && !UNNEEDED_PATHS.some((u) => p.startsWith(u) || `${p}/` === u));
}

export interface CopiedRootfs {
  /** regular files and links copied from the packages */
  files: number;
  /** libraries added because ldd listed them */
  libraries: string[];
  /** "binary: libfoo.so.1" that ldd could not find on the host (only matters if that binary runs) */
  unresolved: string[];
}

/**
 * Copies the packages' files into `rootfs` (same paths; links as links, with the host's merged-/usr
 * top-level links first so /lib/x and /usr/lib/x land in one place), then the libraries the ELF
 * files among them need (dereferenced), skipping what is already there.
 */
export async function copyPackagesInto(rootfs: string, packages: string[]): Promise<CopiedRootfs> {
  mirrorTopLevelLinks(rootfs);
  let files = 0;
  const elves: string[] = [];
  for (const pkg of packages) {
    for (const path of await packagePaths(pkg)) {
      let stat;
      try {
        stat = lstatSync(path);
      } catch {
        continue; // a configuration file removed by the admin
      }
      const target = join(rootfs, path);
      if (stat.isDirectory()) {
        if (!existsSync(target)) mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      if (existsOrLink(target)) continue;
      if (stat.isSymbolicLink()) {
        symlinkSync(readlinkSync(path), target);
      } else if (stat.isFile()) {
        copyFileSync(path, target);
        if (isElf(path)) elves.push(path);
      } else {
        continue;
      }
      files++;
    }
  }
  const { libraries, unresolved } = await librariesOf(elves);
  const added: string[] = [];
  for (const lib of libraries) {
    const target = join(rootfs, lib);
    if (existsOrLink(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(lib, target);
    added.push(lib);
  }
  return { files, libraries: added, unresolved };
}

/** /bin -> usr/bin and the like, as on the host (Debian 12 merges /usr). */
function mirrorTopLevelLinks(rootfs: string): void {
  mkdirSync(rootfs, { recursive: true });
  for (const entry of readdirSync("/")) {
    const path = `/${entry}`;
    let link: string;
    try {
      if (!lstatSync(path).isSymbolicLink()) continue;
      link = readlinkSync(path);
    } catch {
      continue;
    }
    if (!/^usr\/[a-z0-9]+$/.test(link)) continue;
    mkdirSync(join(rootfs, link), { recursive: true });
    if (!existsOrLink(join(rootfs, entry))) symlinkSync(link, join(rootfs, entry));
  }
}

function existsOrLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isElf(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    closeSync(fd);
  }
}

/** ldd over many files at once: every library path it resolves, and what it could not. */
async function librariesOf(files: string[]): Promise<{ libraries: string[]; unresolved: string[] }> {
  const libraries = new Set<string>();
  const unresolved: string[] = [];
  for (let i = 0; i < files.length; i += 200) {
    const batch = files.slice(i, i + 200);
    let stdout: string;
    try {
      ({ stdout } = await run("ldd", batch, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }));
    } catch (error) {
      // ldd exits 1 when any file is not dynamic; its output is still complete
      const e = error as { stdout?: string; code?: unknown };
      if (typeof e.stdout !== "string") throw new EnvironmentError(`cannot list shared libraries with ldd: ${(error as Error).message.split("\n")[0]}`, "apt-get install -y libc-bin");
      stdout = e.stdout;
    }
    let current = batch.length === 1 ? batch[0]! : "";
    for (const line of stdout.split("\n")) {
      const header = /^(\/\S+):$/.exec(line);
      if (header) {
        current = header[1]!;
        continue;
      }
      const missing = /^\s*(\S+) => not found/.exec(line);
      if (missing) {
        unresolved.push(`${current}: ${missing[1]}`);
        continue;
      }
      const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
      if (match?.[1]) libraries.add(match[1]);
    }
  }
  return { libraries: [...libraries].sort(), unresolved };
}
