// Builds toxiproxy-server and toxiproxy-cli (static, CGO off) at the pinned version into the tools directory.
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOXIPROXY_MODULE, TOXIPROXY_VERSION } from "./versions.ts";
import { goInstallEnv, requireGo } from "./go-toolchain.ts";
import { runWithProgress } from "./run-with-progress.ts";
import { ensureToolsBinDir } from "./tools-dir.ts";

/** Binaries come out named after their package folder (server, cli); we rename them. */
const PARTS = [
  { pkg: "cmd/server", built: "server", name: "toxiproxy-server" },
  { pkg: "cmd/cli", built: "cli", name: "toxiproxy-cli" },
] as const;

export type ToxiproxyBinary = (typeof PARTS)[number]["name"];

/**
 * The version string lives in the module's root package (`var Version = "git"` in version.go);
 * without this flag `toxiproxy-server -version` and the API's /version say "git".
 */
export const TOXIPROXY_LDFLAGS = `-X ${TOXIPROXY_MODULE}.Version=${TOXIPROXY_VERSION}`;

export async function installToxiproxy(which: ToxiproxyBinary[] = ["toxiproxy-server", "toxiproxy-cli"], log?: (line: string) => void): Promise<void> {
  await requireGo();
  const bin = ensureToolsBinDir();
  const scratch = mkdtempSync(join(tmpdir(), "toxiproxy-build-"));
  try {
    for (const part of PARTS.filter((p) => which.includes(p.name))) {
      await runWithProgress({
        label: `building ${part.name} ${TOXIPROXY_VERSION}`,
        command: "go",
        args: ["install", "-ldflags", TOXIPROXY_LDFLAGS, `${TOXIPROXY_MODULE}/${part.pkg}@v${TOXIPROXY_VERSION}`],
        env: goInstallEnv({ GOBIN: scratch, CGO_ENABLED: "0" }),
        log,
      });
      renameSync(join(scratch, part.built), join(bin, part.name));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
