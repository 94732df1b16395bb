// A pinned tool on first use, the way Testcontainers pulls an image the first time: taken from PATH
// or the tools directory when there, else built now (with progress and the time it takes).
import { installK6 } from "./install-k6.ts";
import { installKubeconform } from "./install-kubeconform.ts";
import { installToxiproxy } from "./install-toxiproxy.ts";
import { describeMissingTool, locateTool } from "./locate-tool.ts";
import type { ToolName } from "./tool-specs.ts";
import { toolsBinDir } from "./tools-dir.ts";

const building = new Map<ToolName, Promise<string>>();

/** The path of a pinned tool; builds it into the tools directory when it is neither on PATH nor there. */
export async function ensureToolPath(name: ToolName, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  const location = await locateTool(name);
  if (location.status === "found") return location.path;
  let pending = building.get(name);
  if (!pending) {
    pending = (async () => {
      const started = Date.now();
      log(`${describeMissingTool(location)}: building it now into ${toolsBinDir()} (first use only)`);
      if (name === "k6") await installK6(log);
      else if (name === "kubeconform") await installKubeconform(log);
      else await installToxiproxy([name], log);
      const built = await locateTool(name);
      if (built.status !== "found") throw new Error(`${name} was built but does not report version ${built.wanted}: ${built.mismatches.join("; ")}`);
      log(`ok ${name} ${built.version} ready in ${Math.round((Date.now() - started) / 1000)} s: ${built.path}`);
      return built.path;
    })();
    building.set(name, pending);
    pending.catch(() => building.delete(name));
  }
  return pending;
}
