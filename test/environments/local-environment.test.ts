import { startLocalEnvironment } from "../../harness/environments/local/local-environment.ts";
import { requireTool } from "../support/require-tool.ts";
import { describeEnvironment } from "./environment-contract.ts";

describeEnvironment("local", async (logDir) => {
  await requireTool("toxiproxy-server");
  return startLocalEnvironment({ logDir, relayEnv: {}, tls: false, log: () => undefined });
});
