// Tests that need a real tool, engine or image ask for it here.
// Under CI=true a missing piece FAILS the test with the doctor's message and fix.
// Elsewhere the test is skipped when you pass its context (loudly, on stderr), or fails without one.
import type { TestContext } from "vitest";
import { ensureContainerEngine, type ContainerEngine } from "../../harness/toolchain/container-engine.ts";
import { ensureImages, type HarnessImages } from "../../harness/toolchain/images.ts";
import { describeMissingTool, INSTALL_TOOLS_COMMAND, locateTool } from "../../harness/toolchain/locate-tool.ts";
import type { ToolName } from "../../harness/toolchain/tool-specs.ts";
import { EnvironmentError } from "../../harness/errors.ts";
import { installedXmppVersionSync, XMPP_SERVER_SPECS, type XmppServerKind } from "../../harness/targets/xmpp/xmpp-server-kind.ts";

export interface FoundTool {
  name: ToolName;
  path: string;
  version: string;
}

export const inCi = (): boolean => process.env.CI === "true" || process.env.CI === "1";

export async function requireTool(name: ToolName, ctx?: TestContext): Promise<FoundTool> {
  const location = await locateTool(name);
  if (location.status === "found") return { name, path: location.path, version: location.version };
  return missing(`${describeMissingTool(location)}`, INSTALL_TOOLS_COMMAND, ctx);
}

/** A container engine, found or started (Podman's service), with DOCKER_HOST set for Testcontainers. */
export async function requireContainerEngine(ctx?: TestContext): Promise<ContainerEngine> {
  try {
    return await ensureContainerEngine();
  } catch (error) {
    return missing((error as Error).message.split("\n")[0] ?? "", error instanceof EnvironmentError ? error.fix : undefined, ctx);
  }
}

/** The relay and Toxiproxy images (pulled or built as CHAOS_IMAGES says), after the engine. */
export async function requireImages(ctx?: TestContext): Promise<HarnessImages> {
  await requireContainerEngine(ctx);
  try {
    return await ensureImages({ log: (line) => process.stderr.write(`[images] ${line}\n`) });
  } catch (error) {
    return missing((error as Error).message.split("\n")[0] ?? "", error instanceof EnvironmentError ? error.fix : "npm run doctor", ctx);
  }
}

function missing(message: string, fix: string | undefined, ctx: TestContext | undefined): never {
  const text = `${message}${fix ? `\n  fix: ${fix}` : ""}`;
  if (inCi() || !ctx) throw new EnvironmentError(message, fix);
  const bar = "!".repeat(78);
  process.stderr.write(`\n${bar}\nSKIPPED (not in CI): ${ctx.task.name}\n  ${text}\n  Under CI=true this test fails instead.\n${bar}\n\n`);
  return ctx.skip(`missing: ${message}`);
}

/** An XMPP server from its Debian package: its version, or missing() with the apt command that installs it. */
export async function requireXmppServer(kind: XmppServerKind, ctx?: TestContext): Promise<string> {
  const version = installedXmppVersionSync(kind);
  if (version) return version;
  return missing(`${kind} is not installed`, `apt-get install -y ${XMPP_SERVER_SPECS[kind].debianPackage}`, ctx);
}

/** A program from the system's packages (e.g. xmllint): its path, or missing() with the apt command that installs it. */
export async function requireCommand(name: string, aptPackage: string, ctx?: TestContext): Promise<string> {
  const { findAllOnPath } = await import("../../harness/toolchain/find-on-path.ts");
  const [found] = findAllOnPath(name);
  if (found) return found;
  return missing(`${name} not found on PATH`, `apt-get install -y ${aptPackage}`, ctx);
}
