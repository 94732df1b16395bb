// The XMPP servers' container images, and where each keeps what (its layout).
//
// Where a registry answers (CHAOS_IMAGES=auto|pull): the official images, OFFICIAL_IMAGES.prosody
// and .ejabberd. Otherwise (auto after a failed pull, or build): e2ee-chaos/<kind>:<hash>, built
// offline FROM scratch out of the host's installed Debian package and its dependency closure
// (offline-images/<kind>.Dockerfile, debian-package-files.ts), the way the relay's image is built
// from the host's node. The hash covers the packages' versions and the recipe (the Dockerfile and
// the code that assembles the root filesystem), so an image with that tag is reused as is.
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getContainerRuntimeClient } from "testcontainers";
import { EnvironmentError } from "../errors.ts";
import { XMPP_SERVER_SPECS, type XmppServerKind } from "../targets/xmpp/xmpp-server-kind.ts";
import { copyPackagesInto, packageClosure, type PackageClosure } from "./debian-package-files.ts";
import { ensureXmppServer } from "./ensure-xmpp-server.ts";
import { buildImage, imageExists, pruneOldTags, tryPullImage } from "./image-store.ts";
import { imagePolicy, type ImagePolicy } from "./image-policy.ts";
import type { ResolvedImage } from "./resolved-image.ts";
import { LOCAL_IMAGES, OFFICIAL_IMAGES } from "./versions.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const RECIPE_FILES = [fileURLToPath(import.meta.url), join(HERE, "debian-package-files.ts")];
const dockerfileOf = (kind: XmppServerKind) => join(HERE, "offline-images", `${kind}.Dockerfile`);
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** Offline images of older package versions or recipes kept besides the newest. */
const KEEP_OLD_IMAGES = 2;
/** The container ports of the two WebSocket listeners, in every image. */
export const XMPP_CONTAINER_PORTS = [5280, 5281] as const;
/** ejabberd's Erlang node name in every container: fixed, because Mnesia's files belong to it (each run has its own container). */
export const EJABBERD_NODE = "ejabberd@localhost";

/** Where a server keeps what inside its image, and how it is started there. */
export interface XmppImageLayout {
  /** the per-run configuration is copied here */
  configPath: string;
  /** everything the server keeps (its store, and with the offline images its logs) */
  dataDir: string;
  /** the configuration's {{DATA_DIR}}: the store */
  storeDir: string;
  /** the configuration's {{LOG_FILE}} (Prosody logs there; ejabberd takes EJABBERD_LOG_PATH) */
  logFile: string;
  /** the configuration's {{PID_FILE}} */
  pidFile: string;
  /** log directories outside dataDir */
  logDirs: string[];
  /** null: the image's own entrypoint */
  entrypoint: string[] | null;
  command: string[];
  env: Record<string, string>;
  workingDir: string | null;
}

export interface ResolvedXmppImage extends ResolvedImage {
  kind: XmppServerKind;
  /** the server's version: the Debian package's inside an offline image, the tag of an official one */
  version: string;
  layout: XmppImageLayout;
}

/** The images built here: the store, the logs and the configuration all under /data. */
const OFFLINE_LAYOUTS: Record<XmppServerKind, XmppImageLayout> = {
  prosody: {
    configPath: "/data/prosody.cfg.lua",
    dataDir: "/data",
    storeDir: "/data/store",
    logFile: "/data/logs/prosody.log",
    pidFile: "/data/prosody.pid",
    logDirs: [],
    entrypoint: null,
    command: ["--config", "/data/prosody.cfg.lua", "-F"],
    env: {},
    workingDir: null,
  },
  ejabberd: {
    configPath: "/data/ejabberd.yml",
    dataDir: "/data",
    storeDir: "/data/store",
    logFile: "/data/logs/ejabberd.log",
    pidFile: "/data/ejabberd.pid",
    logDirs: [],
    entrypoint: null,
    // what ejabberdctl's `foreground` (and local-xmpp-server.ts) gives erl; distribution on
    // loopback on a port of its own, without epmd
    command: [
      "-sname", EJABBERD_NODE, "+K", "true", "+P", "250000", "-env", "ERL_CRASH_DUMP_BYTES", "0",
      "-kernel", "inet_dist_use_interface", "{127,0,0,1}", "-erl_epmd_port", "4370", "-start_epmd", "false",
      "-mnesia", "dir", `"/data/store"`, "-s", "ejabberd", "-noinput",
    ],
    env: {
      EJABBERD_CONFIG_PATH: "/data/ejabberd.yml",
      EJABBERD_LOG_PATH: "/data/logs/ejabberd.log",
      EJABBERD_PID_PATH: "/data/ejabberd.pid",
      ERL_CRASH_DUMP: "/data/logs/erl_crash.dump",
      ERL_MAX_PORTS: "32000",
      ERL_MAX_ETS_TABLES: "1400",
    },
    workingDir: "/data/store",
  },
};

/**
 * The official images, as their Dockerfiles lay them out (github.com/prosody/prosody-docker,
 * github.com/processone/ejabberd .github/container): not run on this project's machines (no
 * registry answers there).
 */
const OFFICIAL_LAYOUTS: Record<XmppServerKind, XmppImageLayout> = {
  // entrypoint.sh runs `prosody ...` as the prosody user, who owns /var/lib/prosody and /var/run/prosody
  prosody: {
    configPath: "/etc/prosody/prosody.cfg.lua",
    dataDir: "/var/lib/prosody",
    storeDir: "/var/lib/prosody",
    logFile: "/var/lib/prosody/prosody.log",
    pidFile: "/var/run/prosody/prosody.pid",
    logDirs: [],
    entrypoint: null,
    command: ["prosody", "--config", "/etc/prosody/prosody.cfg.lua", "-F"],
    env: {},
    workingDir: null,
  },
  // /usr/local/bin/ejabberdctl sets CONFIG_DIR=/opt/ejabberd/conf, SPOOL_DIR=/opt/ejabberd/database, LOGS_DIR=/opt/ejabberd/logs
  ejabberd: {
    configPath: "/opt/ejabberd/conf/ejabberd.yml",
    dataDir: "/opt/ejabberd/database",
    storeDir: "/opt/ejabberd/database",
    logFile: "/opt/ejabberd/logs/ejabberd.log",
    pidFile: "/opt/ejabberd/ejabberd.pid",
    logDirs: ["/opt/ejabberd/logs"],
    entrypoint: null,
    command: ["foreground"],
    env: { ERLANG_NODE_ARG: EJABBERD_NODE },
    workingDir: null,
  },
};

const TAG_OF_OFFICIAL: Record<XmppServerKind, string> = {
  prosody: OFFICIAL_IMAGES.prosody.slice(OFFICIAL_IMAGES.prosody.lastIndexOf(":") + 1),
  ejabberd: OFFICIAL_IMAGES.ejabberd.slice(OFFICIAL_IMAGES.ejabberd.lastIndexOf(":") + 1),
};

const REPOSITORY: Record<XmppServerKind, string> = { prosody: LOCAL_IMAGES.prosodyRepository, ejabberd: LOCAL_IMAGES.ejabberdRepository };

/**
 * The packages an offline image is made of (with their dependency closure). ejabberd also gets dash
 * as /bin/sh: Erlang starts port programs with open_port({spawn, Command}), through /bin/sh -c
 * (os_mon's memsup and cpu_sup, which ejabberd starts; without a shell they die at once).
 */
const IMAGE_PACKAGES: Record<XmppServerKind, string[]> = { prosody: ["prosody"], ejabberd: ["ejabberd", "dash"] };

/** What the offline image of `kind` is made of, and its name (without touching the container engine). */
export async function offlineXmppImage(kind: XmppServerKind): Promise<{ name: string; version: string; closure: PackageClosure }> {
  const root = XMPP_SERVER_SPECS[kind].debianPackage;
  const closure = await packageClosure(IMAGE_PACKAGES[kind]);
  const hash = createHash("sha256").update(kind);
  for (const pkg of [...closure.packages].sort((a, b) => a.name.localeCompare(b.name))) hash.update(`${pkg.name}=${pkg.version}\n`);
  hash.update(readFileSync(dockerfileOf(kind)));
  for (const file of RECIPE_FILES) hash.update(readFileSync(file));
  const version = closure.packages.find((p) => p.name === root)!.version;
  return { name: `${REPOSITORY[kind]}:${hash.digest("hex").slice(0, 16)}`, version, closure };
}

/** The image of an XMPP server under test, pulled, reused or built as CHAOS_IMAGES says (see the top). */
export async function ensureXmppImage(kind: XmppServerKind, options: { policy?: ImagePolicy; log?: (line: string) => void } = {}): Promise<ResolvedXmppImage> {
  const policy = options.policy ?? imagePolicy();
  const log = options.log ?? (() => {});
  const official = OFFICIAL_IMAGES[kind];
  const officialImage = (origin: ResolvedImage["origin"]): ResolvedXmppImage => ({ name: official, origin, kind, version: TAG_OF_OFFICIAL[kind], layout: OFFICIAL_LAYOUTS[kind] });

  if (policy !== "build" && (await imageExists(official))) return officialImage("present");
  const offline = policy === "pull" ? null : await offlineXmppImage(kind).catch(() => null);
  if (offline && (await imageExists(offline.name))) return { name: offline.name, origin: "present", kind, version: offline.version, layout: OFFLINE_LAYOUTS[kind] };
  if (policy !== "build") {
    if (await tryPullImage(official, log)) return officialImage("pulled");
    if (policy === "pull") throw new EnvironmentError(`CHAOS_IMAGES=pull but ${official} could not be pulled`, `CHAOS_IMAGES=auto (builds ${kind}'s image offline from its Debian package)`);
    log(`   no registry answered for ${official}: building ${kind}'s image offline from its Debian package`);
  }
  // offline: from the installed package (installed now where the run may, else exit code 3 naming the command)
  await ensureXmppServer(kind, log);
  const image = offline ?? (await offlineXmppImage(kind));
  await buildOffline(kind, image, log);
  return { name: image.name, origin: "built-offline", kind, version: image.version, layout: OFFLINE_LAYOUTS[kind] };
}

async function buildOffline(kind: XmppServerKind, image: { name: string; version: string; closure: PackageClosure }, log: (line: string) => void): Promise<void> {
  const { packages } = image.closure;
  const dir = mkdtempSync(join(tmpdir(), `${kind}-image-`));
  const started = Date.now();
  log(`-> building image ${image.name} offline (FROM scratch, ${kind} ${image.version} and ${packages.length - 1} more Debian packages)`);
  try {
    copyFileSync(dockerfileOf(kind), join(dir, "Dockerfile"));
    const rootfs = join(dir, "rootfs");
    const copied = await copyPackagesInto(rootfs, packages.map((p) => p.name));
    const buildArgs: Record<string, string> = { VERSION: image.version };
    if (kind === "ejabberd") {
      buildArgs.ERL_LIBS = prepareErlang(rootfs);
      // ejabberd reads a CA bundle at start (without one it logs a critical error): the host's,
      // which update-ca-certificates generates (no package lists it)
      if (existsSync(CA_BUNDLE)) {
        mkdirSync(join(rootfs, dirname(CA_BUNDLE)), { recursive: true });
        copyFileSync(CA_BUNDLE, join(rootfs, CA_BUNDLE));
      }
    }
    addBaseFiles(rootfs, kind);
    log(`   ${copied.files} files of ${packages.map((p) => p.name).join(", ")}; ${copied.libraries.length} shared libraries from ldd; left out: ${image.closure.skipped.map((s) => s.name).join(", ")}`);
    if (copied.unresolved.length) log(`   ldd found no ${copied.unresolved.length} libraries (binaries the server does not run): ${copied.unresolved.slice(0, 4).join("; ")}${copied.unresolved.length > 4 ? "; ..." : ""}`);
    await buildImage(dir, image.name, buildArgs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!(await imageExists(image.name))) {
    throw new EnvironmentError(`building ${image.name} ended without the image (the engine's build output is in DEBUG=testcontainers* logs)`, `CHAOS_IMAGES=pull on a machine where ${OFFICIAL_IMAGES[kind]} can be pulled, or npm run doctor`);
  }
  const size = await imageSizeMb(image.name);
  log(`   done: ${image.name} in ${Date.now() - started} ms${size === null ? "" : ` (${size} MB)`}`);
  await pruneOldTags(REPOSITORY[kind], KEEP_OLD_IMAGES, log).catch(() => {});
}

/** erlexec runs without erl's script: /usr/lib/erlang/erts -> erts-<version>; returns ERL_LIBS as the installed ejabberdctl has it. */
function prepareErlang(rootfs: string): string {
  const erts = readdirSync(join(rootfs, "usr/lib/erlang")).find((e) => /^erts-\d/.test(e));
  if (!erts) throw new EnvironmentError("no /usr/lib/erlang/erts-* among erlang-base's files: cannot build ejabberd's image offline", XMPP_SERVER_SPECS.ejabberd.installCommand);
  symlinkSync(erts, join(rootfs, "usr/lib/erlang/erts"));
  const ctl = readFileSync(XMPP_SERVER_SPECS.ejabberd.launcher, "utf8");
  const erlLibs = /^ERL_LIBS=["']?([^"'\n]+)["']?$/m.exec(ctl)?.[1];
  if (!erlLibs) throw new EnvironmentError(`cannot find ERL_LIBS in ${XMPP_SERVER_SPECS.ejabberd.launcher}: is it the ejabberd package's ejabberdctl?`, XMPP_SERVER_SPECS.ejabberd.installCommand);
  return erlLibs;
}

/** Users, name lookup through files first (the container's /etc/hosts), an empty /tmp, and /data. */
function addBaseFiles(rootfs: string, kind: XmppServerKind): void {
  mkdirSync(join(rootfs, "etc"), { recursive: true });
  writeFileSync(join(rootfs, "etc/passwd"), `root:x:0:0:root:/data:/nonexistent\n${kind}:x:100:101:${kind}:/data:/nonexistent\nnobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n`);
  writeFileSync(join(rootfs, "etc/group"), `root:x:0:\n${kind}:x:101:\nnogroup:x:65534:\n`);
  writeFileSync(join(rootfs, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
  const layout = OFFLINE_LAYOUTS[kind];
  for (const empty of ["/tmp", layout.dataDir, layout.storeDir, dirname(layout.logFile), ...(kind === "prosody" ? ["/data/certs"] : [])]) {
    mkdirSync(join(rootfs, empty), { recursive: true });
    chmodSync(join(rootfs, empty), 0o1777);
  }
}

async function imageSizeMb(name: string): Promise<number | null> {
  try {
    const client = await getContainerRuntimeClient();
    const info = await client.container.dockerode.getImage(name).inspect();
    return Math.round(info.Size / 1e6);
  } catch {
    return null;
  }
}
