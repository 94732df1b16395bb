// `npm run tools`: makes every pinned tool available, reusing what is already there.
import { installK6 } from "./install-k6.ts";
import { installKubeconform } from "./install-kubeconform.ts";
import { installToxiproxy, type ToxiproxyBinary } from "./install-toxiproxy.ts";
import { locateTool } from "./locate-tool.ts";
import { TOOL_NAMES } from "./tool-specs.ts";

export async function installTools(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  const toxiproxyMissing: ToxiproxyBinary[] = [];
  for (const name of TOOL_NAMES) {
    const location = await locateTool(name);
    if (location.status === "found") {
      log(`ok ${name} ${location.version} (${location.source === "path" ? "on PATH" : "tools dir"}: ${location.path})`);
      continue;
    }
    if (name === "k6" || name === "kubeconform") {
      await (name === "k6" ? installK6(log) : installKubeconform(log));
      await confirmInstalled(name);
    } else {
      toxiproxyMissing.push(name);
    }
  }
  if (toxiproxyMissing.length) {
    await installToxiproxy(toxiproxyMissing, log);
    for (const name of toxiproxyMissing) await confirmInstalled(name);
  }
}

async function confirmInstalled(name: (typeof TOOL_NAMES)[number]): Promise<void> {
  const location = await locateTool(name);
  if (location.status !== "found") {
    throw new Error(`${name} was built but does not report version ${location.wanted}: ${location.mismatches.join("; ")}`);
  }
}
