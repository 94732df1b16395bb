import { startContainersEnvironment } from "../../harness/environments/containers/containers-environment.ts";
import { requireImages } from "../support/require-tool.ts";
import { describeEnvironment } from "./environment-contract.ts";

describeEnvironment("containers", async (logDir) => {
  await requireImages();
  return startContainersEnvironment({ runId: `test-${process.pid}`, logDir, relayEnv: {}, certificate: null, log: () => undefined });
});
