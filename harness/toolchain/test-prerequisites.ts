// What `npm test` needs beyond `npm ci`, provisioned the way a run provisions k6 on first use: the
// Go-built tools; and, where the command is root on a Debian-like machine, the Debian packages the
// tests use and (where no container engine answers) Podman with its API service. Each step prints
// its progress and the time it took. Where something is missing that this machine cannot install,
// an EnvironmentError names it and the command that installs it, before any test starts.
import { EnvironmentError } from "../errors.ts";
import { detectContainerEngine, ensureContainerEngine, type ContainerEngine } from "./container-engine.ts";
import { cannotInstallPackages } from "./ensure-xmpp-server.ts";
import { requireGo } from "./go-toolchain.ts";
import { ensureImages } from "./images.ts";
import { installTools } from "./install-tools.ts";
import { locateTool } from "./locate-tool.ts";
import { writeContainersConf, CONTAINERS_CONF } from "./podman-containers-conf.ts";
import { runWithProgress } from "./run-with-progress.ts";
import { ENGINE_PACKAGES, TEST_PACKAGES, missingPackages } from "./system-packages.ts";
import { TOOL_NAMES } from "./tool-specs.ts";

type Log = (line: string) => void;

export async function provisionTestPrerequisites(log: Log = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  const started = Date.now();
  // first what is missing, silently: where it cannot be installed, one line and nothing else
  const engine = await detectContainerEngine();
  const missing = await missingPackages(engine ? TEST_PACKAGES : [...ENGINE_PACKAGES, ...TEST_PACKAGES]);
  const names = missing.map((p) => p.aptPackage);
  if (missing.length) {
    const why = cannotInstallPackages();
    const uses = [...new Set(missing.map((p) => p.usedFor))].join(", ");
    if (why) throw new EnvironmentError(`npm test needs the Debian packages ${names.join(" ")} (${uses}), which are not installed, and cannot install them (${why})`, `sudo apt-get install -y ${names.join(" ")}`);
  }
  if ((await Promise.all(TOOL_NAMES.map(locateTool))).some((l) => l.status !== "found")) await requireGo();
  log(engine ? `ok container engine: ${engine.kind} ${engine.version} at ${engine.socket}` : "no container engine answers: Podman will serve one");
  log(missing.length ? `to install: ${names.join(" ")}` : `ok Debian packages: ${TEST_PACKAGES.map((p) => p.aptPackage).join(" ")}`);

  if (missing.length) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    await step("reading the package lists", log, () => runWithProgress({ label: "apt-get update", command: "apt-get", args: ["update"], env, log }));
    await step(`installing ${names.join(" ")}`, log, () => runWithProgress({ label: `installing ${names.join(" ")}`, command: "apt-get", args: ["install", "-y", ...names], env, log }));
  }
  if (!engine) await step("starting Podman's API service", log, () => startPodman(log));
  await step(`${TOOL_NAMES.join(", ")} (built with Go on first use)`, log, () => installTools(log));
  await step("container images", log, async () => {
    const images = await ensureImages({ log });
    for (const image of Object.values(images)) log(`ok image ${image.name} (${image.origin})`);
  });
  log(`ready for npm test in ${seconds(started)} s`);
}

async function startPodman(log: Log): Promise<ContainerEngine> {
  if (process.getuid?.() === 0 && writeContainersConf()) log(`wrote ${CONTAINERS_CONF} (runtime runc, no default ulimits)`);
  const engine = await ensureContainerEngine({ log });
  log(`ok container engine: ${engine.kind} ${engine.version} at ${engine.socket}`);
  return engine;
}

async function step<T>(label: string, log: Log, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  log(`== ${label}`);
  const result = await run();
  log(`   ${label}: done in ${seconds(started)} s`);
  return result;
}

function seconds(since: number): number {
  return Math.round((Date.now() - since) / 100) / 10;
}
