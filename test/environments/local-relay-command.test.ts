// --relay-command in the local environment: the same paths and the same faults as the reference
// relay, proved with the reference relay behind a shell that stays in between (`...; exit $?`
// keeps /bin/sh as the parent), so crash, pause and restart only work if every signal reaches
// the command's whole process group; a command serving one listener only is refused, saying
// so; and once stopped, no process of it is left.
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startLocalEnvironment } from "../../harness/environments/local/local-environment.ts";
import { requireTool } from "../support/require-tool.ts";
import { describeEnvironment } from "./environment-contract.ts";

/** an argument the relay ignores, to find its processes */
const MARKER = `relay-under-test-${process.pid}`;
const COMMAND = `"${process.execPath}" --import tsx fixtures/relay/main.ts ${MARKER}; exit $?`;

function processesWithMarker(): string[] {
  return readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(MARKER);
    } catch {
      return false;
    }
  });
}

describeEnvironment("local", async (logDir) => {
  await requireTool("toxiproxy-server");
  return startLocalEnvironment({ runId: "test", logDir, relayEnv: {}, certificate: null, log: () => undefined, relay: { kind: "command", command: COMMAND, source: "--relay-command" } });
}, "the local environment with --relay-command (the reference relay behind a shell)");

describe("a relay command that serves only one of the two listeners", () => {
  it("is not ready: the error names the listener it does not serve", async () => {
    await requireTool("toxiproxy-server");
    const oneListener = `RELAY_LISTEN=127.0.0.1:$RELAY_PORT "${process.execPath}" --import tsx fixtures/relay/main.ts ${MARKER}`;
    const logDir = mkdtempSync(join(tmpdir(), "env-one-listener-"));
    const started = startLocalEnvironment({ runId: "test", logDir, relayEnv: {}, certificate: null, log: () => undefined, relay: { kind: "command", command: oneListener, source: "--relay-command" } });
    await expect(started).rejects.toThrow(/\(--relay-command\) answers http:\/\/127\.0\.0\.1:\d+\/healthz but not http:\/\/127\.0\.0\.1:\d+\/healthz within 10000 ms: a relay must serve every address in RELAY_LISTEN/);
  }, 60_000);
});

describe("a relay command after its environment stopped", () => {
  it("leaves no process behind", () => {
    expect(processesWithMarker()).toEqual([]);
  });
});
