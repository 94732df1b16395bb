import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startContainersEnvironment } from "../../harness/environments/containers/containers-environment.ts";
import type { Environment } from "../../harness/environments/environment.ts";
import type { EnvironmentOptions } from "../../harness/environments/environment-options.ts";
import { startLocalEnvironment } from "../../harness/environments/local/local-environment.ts";
import { makeRunCertificate } from "../../harness/environments/run-certificate.ts";
import { requireImages, requireTool } from "../support/require-tool.ts";
import { loginWithin } from "./environment-contract.ts";

async function servesWss(start: (o: EnvironmentOptions) => Promise<Environment>) {
  const dir = mkdtempSync(join(tmpdir(), "tls-"));
  const env = await start({ runId: `tls-${process.pid}`, logDir: dir, relayEnv: {}, certificate: makeRunCertificate(dir), log: () => undefined });
  try {
    for (const path of env.paths) {
      expect(path.url).toMatch(/^wss:\/\//);
      expect(await loginWithin(path.url, 10_000), path.name).toBe("ok");
      expect(await loginWithin(path.url.replace("wss:", "ws:"), 3000), `${path.name} without TLS`).not.toBe("ok");
    }
  } finally {
    await env.stop();
  }
}

describe("--tls: the relay serves wss with a certificate made for the run", () => {
  it("on local processes", async () => {
    await requireTool("toxiproxy-server");
    await servesWss(startLocalEnvironment);
  });

  it("on containers", async () => {
    await requireImages();
    await servesWss(startContainersEnvironment);
  });
});
