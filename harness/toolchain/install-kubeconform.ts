// Builds kubeconform (static, CGO off) at the pinned version into the tools directory, with its
// version stamped in (`kubeconform -v` says "development" without the flag).
import { KUBECONFORM_MODULE, KUBECONFORM_VERSION } from "./versions.ts";
import { goInstallEnv, requireGo } from "./go-toolchain.ts";
import { runWithProgress } from "./run-with-progress.ts";
import { ensureToolsBinDir } from "./tools-dir.ts";

export async function installKubeconform(log?: (line: string) => void): Promise<void> {
  await requireGo();
  await runWithProgress({
    label: `building kubeconform ${KUBECONFORM_VERSION}`,
    command: "go",
    args: ["install", "-ldflags", `-X main.version=v${KUBECONFORM_VERSION}`, `${KUBECONFORM_MODULE}/cmd/kubeconform@v${KUBECONFORM_VERSION}`],
    env: goInstallEnv({ GOBIN: ensureToolsBinDir(), CGO_ENABLED: "0" }),
    ...(log ? { log } : {}),
  });
}
