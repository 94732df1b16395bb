// The command-line tools the harness needs, how to ask each for its version, and which version is pinned.
import { K6_VERSION, KUBECONFORM_VERSION, TOXIPROXY_VERSION } from "./versions.ts";

export type ToolName = "k6" | "toxiproxy-server" | "toxiproxy-cli" | "kubeconform";

export interface ToolSpec {
  name: ToolName;
  /** Exact version wanted (without a leading "v"). */
  version: string;
  versionArgs: string[];
  /** Pulls the version out of the tool's output. */
  versionPattern: RegExp;
}

export const TOOL_SPECS: Record<ToolName, ToolSpec> = {
  // "k6 v2.2.0 (commit/devel, go1.26.8, linux/amd64)"
  k6: { name: "k6", version: K6_VERSION, versionArgs: ["version"], versionPattern: /\bk6 v(\d+\.\d+\.\d+\S*)/ },
  // "toxiproxy-server version 2.12.0"
  "toxiproxy-server": {
    name: "toxiproxy-server",
    version: TOXIPROXY_VERSION,
    versionArgs: ["-version"],
    versionPattern: /version v?(\d+\.\d+\.\d+\S*|git)/,
  },
  // "toxiproxy-cli version 2.12.0"
  "toxiproxy-cli": {
    name: "toxiproxy-cli",
    version: TOXIPROXY_VERSION,
    versionArgs: ["--version"],
    versionPattern: /version v?(\d+\.\d+\.\d+\S*|git)/,
  },
  // "v0.8.0" (the installer sets main.version; a plain `go install` says "development")
  kubeconform: { name: "kubeconform", version: KUBECONFORM_VERSION, versionArgs: ["-v"], versionPattern: /^v?(\d+\.\d+\.\d+\S*|development)/ },
};

export const TOOL_NAMES = Object.keys(TOOL_SPECS) as ToolName[];
