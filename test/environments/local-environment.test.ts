import { startLocalEnvironment } from "../../harness/environments/local/local-environment.ts";
import { requireTool } from "../support/require-tool.ts";
import { describeEnvironment } from "./environment-contract.ts";

describeEnvironment("local", async (logDir) => {
  await requireTool("toxiproxy-server");
  return startLocalEnvironment({ runId: "test", logDir, relayEnv: {}, certificate: null, log: () => undefined });
});
