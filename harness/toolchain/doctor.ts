// The doctor: every component the harness needs, its version or what is missing, and the exact fix;
// the XMPP servers (needed only for their targets) with their installed versions.
// Used by `npm run chaos -- doctor` and by tests (test/support/require-tool.ts).
import { ensureContainerEngine, INSTALL_ENGINE_FIX, type ContainerEngine } from "./container-engine.ts";
import { goVersion, INSTALL_GO_FIX } from "./go-toolchain.ts";
import { imageExists } from "./image-store.ts";
import { describeMissingTool, INSTALL_TOOLS_COMMAND, locateTool } from "./locate-tool.ts";
import { relayImageName } from "./relay-image.ts";
import { TOOL_NAMES } from "./tool-specs.ts";
import { LOCAL_IMAGES, NODE_MAJOR, OFFICIAL_IMAGES } from "./versions.ts";
import { EnvironmentError } from "../errors.ts";
import { XMPP_SERVER_SPECS, XMPP_SERVERS, installedXmppVersion, type XmppServerKind } from "../targets/xmpp/xmpp-server-kind.ts";
import { cannotInstallPackages } from "./ensure-xmpp-server.ts";

export interface DoctorComponent {
  name: string;
  /** warn: usable, but something is worth knowing (does not fail the doctor). */
  status: "ok" | "missing" | "warn";
  detail: string;
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  components: DoctorComponent[];
  engine?: ContainerEngine;
}

export interface DoctorOptions {
  /** Start Podman's API service if Podman is installed but not serving (default true, as the harness would). */
  startEngine?: boolean;
}

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const components: DoctorComponent[] = [checkNode()];
  const go = await goVersion();
  components.push(go ? { name: "go", status: "ok", detail: `go${go} (builds k6 and toxiproxy)` } : { name: "go", status: "warn", detail: "not installed (needed only to build missing tools)", fix: INSTALL_GO_FIX });

  for (const name of TOOL_NAMES) {
    const location = await locateTool(name);
    components.push(
      location.status === "found"
        ? { name, status: "ok", detail: `${name === "k6" ? "v" : ""}${location.version} (${location.source === "path" ? "PATH" : "tools dir"}: ${location.path})` }
        : { name, status: "missing", detail: describeMissingTool(location), fix: INSTALL_TOOLS_COMMAND },
    );
  }

  components.push(...(await Promise.all(XMPP_SERVERS.map(checkXmppServer))));

  let engine: ContainerEngine | undefined;
  try {
    engine = await ensureContainerEngine({ start: options.startEngine ?? true });
    const runtime = engine.runtime ? `, runtime ${engine.runtime}` : "";
    const started = engine.startedByUs ? ", API service started by the doctor" : "";
    components.push({ name: "container engine", status: "ok", detail: `${engine.kind} ${engine.version} at ${engine.socket}${runtime}${started}` });
  } catch (error) {
    const fix = error instanceof EnvironmentError ? error.fix : INSTALL_ENGINE_FIX;
    components.push({ name: "container engine", status: "missing", detail: firstLine(error), ...(fix ? { fix } : {}) });
  }

  if (engine) {
    components.push(await checkToxiproxyImage(), await checkRelayImage());
  } else {
    for (const name of ["toxiproxy image", "relay image"]) {
      components.push({ name, status: "missing", detail: "cannot check without a container engine", fix: `fix the container engine, then ${INSTALL_TOOLS_COMMAND}` });
    }
  }
  return { ok: components.every((c) => c.status !== "missing"), components, ...(engine ? { engine } : {}) };
}

function checkNode(): DoctorComponent {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const ok = (major === NODE_MAJOR && minor >= 19) || major >= 22;
  return ok
    ? { name: "node", status: "ok", detail: `${process.version} (${process.execPath})` }
    : { name: "node", status: "missing", detail: `${process.version} is not supported: need Node ${NODE_MAJOR}.19+ (or 22+)`, fix: "install Node 20 LTS (https://nodejs.org/) and run npm ci again" };
}

/** An XMPP server is needed only for --target prosody|ejabberd: when missing, a warning (the doctor still passes). */
async function checkXmppServer(kind: XmppServerKind): Promise<DoctorComponent> {
  const spec = XMPP_SERVER_SPECS[kind];
  const version = await installedXmppVersion(kind);
  if (version) return { name: kind, status: "ok", detail: `${version} (Debian package ${spec.debianPackage}; --target ${kind})` };
  const why = cannotInstallPackages();
  const when = why ? `install it to run --target ${kind} (${why}, so a run cannot install it)` : `a run with --target ${kind} installs it first`;
  return { name: kind, status: "warn", detail: `missing: Debian package ${spec.debianPackage} not installed; ${when}`, fix: spec.installCommand };
}

async function checkToxiproxyImage(): Promise<DoctorComponent> {
  for (const name of [OFFICIAL_IMAGES.toxiproxy, LOCAL_IMAGES.toxiproxy]) {
    if (await imageExists(name)) return { name: "toxiproxy image", status: "ok", detail: name };
  }
  return { name: "toxiproxy image", status: "missing", detail: `neither ${OFFICIAL_IMAGES.toxiproxy} nor ${LOCAL_IMAGES.toxiproxy} is present`, fix: INSTALL_TOOLS_COMMAND };
}

async function checkRelayImage(): Promise<DoctorComponent> {
  try {
    const name = await relayImageName();
    return (await imageExists(name))
      ? { name: "relay image", status: "ok", detail: `${name} (matches the current relay bundle)` }
      : { name: "relay image", status: "missing", detail: `${name} (for the current relay bundle) is not built`, fix: INSTALL_TOOLS_COMMAND };
  } catch (error) {
    return { name: "relay image", status: "missing", detail: `cannot bundle the relay: ${firstLine(error)}`, fix: "npm ci" };
  }
}

export function formatDoctorReport(report: DoctorReport): string {
  const mark = { ok: "ok     ", missing: "MISSING", warn: "warn   " } as const;
  const lines = report.components.map((c) => `${mark[c.status]} ${c.name.padEnd(18)} ${c.detail}${c.fix ? `\n        ${"".padEnd(18)} fix: ${c.fix}` : ""}`);
  lines.push("", report.ok ? "all components present" : "some components are missing: run the fix commands above, then `npm run doctor` again");
  return lines.join("\n");
}

/** The doctor's words for one missing component, for error messages elsewhere. */
export function doctorMessageFor(component: DoctorComponent): string {
  return `${component.name}: ${component.detail}${component.fix ? ` (fix: ${component.fix})` : ""}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
