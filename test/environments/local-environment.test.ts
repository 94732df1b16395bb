import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startLocalEnvironment } from "../../harness/environments/local/local-environment.ts";
import { requireTool } from "../support/require-tool.ts";
import { describeEnvironment, loginWithin } from "./environment-contract.ts";

const startLocal = async (logDir: string) => {
  await requireTool("toxiproxy-server");
  return startLocalEnvironment({ runId: "test", logDir, relayEnv: {}, certificate: null, log: () => undefined });
};

describeEnvironment("local", startLocal);

describe("the local environment's toxiproxy-server log", () => {
  // unset, toxiproxy-server logs at trace level: about ten lines per connection, through the harness
  it("is at info level: a line for a connection, none at debug or trace", async () => {
    const logDir = mkdtempSync(join(tmpdir(), "env-local-log-"));
    const env = await startLocal(logDir);
    try {
      expect(await loginWithin(env.paths[0].url, 10_000)).toBe("ok");
    } finally {
      await env.stop();
    }
    const levels = readFileSync(join(logDir, "toxiproxy.log"), "utf8").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { level: string; message?: string }));
    expect(levels.filter((l) => l.level === "info" && /client/i.test(l.message ?? "")).length, JSON.stringify(levels)).toBeGreaterThan(0);
    expect(levels.filter((l) => l.level === "trace" || l.level === "debug"), JSON.stringify(levels)).toEqual([]);
  });
});
