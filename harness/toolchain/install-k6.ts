// Builds k6 from the pinned tools module in harness/toolchain/k6-module into the tools directory.
//
// `go install go.k6.io/k6/v2@v2.2.0` is not used: it asks the module proxy for the version list
// (deprecation check) and that request can fail. The tools module pins k6 (and every dependency, in
// go.sum), so the build is reproducible and needs only module downloads.
import { join } from "node:path";
import { K6_MODULE, K6_VERSION } from "./versions.ts";
import { goInstallEnv, requireGo } from "./go-toolchain.ts";
import { runWithProgress } from "./run-with-progress.ts";
import { ensureToolsBinDir, PROJECT_ROOT } from "./tools-dir.ts";

export const K6_MODULE_DIR = join(PROJECT_ROOT, "harness", "toolchain", "k6-module");

export async function installK6(log?: (line: string) => void): Promise<string> {
  await requireGo();
  const bin = ensureToolsBinDir();
  await runWithProgress({
    label: `building k6 v${K6_VERSION} (about 2 minutes on 2 cores)`,
    command: "go",
    args: ["install", K6_MODULE],
    cwd: K6_MODULE_DIR,
    env: goInstallEnv({ GOBIN: bin, GOFLAGS: "-mod=mod -buildvcs=false" }),
    log,
  });
  return join(bin, "k6");
}
