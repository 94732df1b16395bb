// Liveness in the k6 client (scenarios/lib/server-link.ts), with real k6 against a real relay: a
// client whose own event loop stalled past its silence timeout pings before it declares the
// connection dead, so a load generator's backlog is not reported as the relay going silent.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { k6ConsoleResult } from "../support/k6-console-result.ts";
import { requireTool } from "../support/require-tool.ts";

let relay: RelayProcess;
beforeAll(async () => {
  relay = await startRelayProcess();
});
afterAll(() => relay?.stop("SIGTERM"));

describe("a k6 client that stalls", () => {
  it("keeps its healthy connection after its event loop stalled for longer than the silence timeout", async () => {
    const k6 = await requireTool("k6");
    const consoleFile = join(mkdtempSync(join(tmpdir(), "stalled-client-")), "console.log");
    await promisify(execFile)(k6.path, ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, "-e", `RELAY_URL=${relay.wsUrls[0]}`, "test/k6/stalled-client.k6.ts"], { timeout: 60_000 });
    const events = k6ConsoleResult<string[]>(consoleFile, "stalledClient");
    expect(events.slice(0, 2)).toEqual(["ready", "stall"]);
    expect(events.filter((e) => e.startsWith("dropped")), `connection events: ${events.join(" | ")}`).toEqual([]);
  });
});
