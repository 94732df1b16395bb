// The k6 client against a real relay that stops answering (SIGSTOP) soon after the login and
// answers again (SIGCONT): the connection is declared silent inside the VU's liveness tick while
// the login's timer is still pending, and the client must log in again afterwards. (k6 v2.2.0
// forgets a running setInterval when a clearTimeout inside it empties the timer queue: the tick
// stopped and the VU never finished, until the link stopped clearing its timers there.)
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { k6ConsoleResult } from "../support/k6-console-result.ts";
import { requireTool } from "../support/require-tool.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once the relay counts an open WebSocket connection (its /metrics gauge relay_connections). */
async function untilConnected(httpUrl: string, ms: number): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) {
    const metrics = await fetch(`${httpUrl}/metrics`).then((r) => r.text(), () => "");
    if (/^relay_connections [1-9]/m.test(metrics)) return;
  }
  throw new Error(`no connection at the relay within ${ms} ms`);
}

let relay: RelayProcess;
beforeAll(async () => {
  relay = await startRelayProcess();
});
afterAll(() => {
  process.kill(relay.pid, "SIGCONT");
  return relay?.stop("SIGTERM");
});

describe("a k6 client whose relay stops answering", () => {
  it("is declared silent in its liveness tick, keeps ticking and logs in again once the relay answers", async () => {
    const k6 = await requireTool("k6");
    const consoleFile = join(mkdtempSync(join(tmpdir(), "paused-relay-")), "console.log");
    // the script ends once it is back after a drop, or after RUN_MS at the latest
    const run = promisify(execFile)(k6.path, ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, "-e", `RELAY_URL=${relay.wsUrls[0]}`, "-e", "RUN_MS=40000", "test/k6/paused-relay.k6.ts"], { timeout: 60_000 });
    // however long k6 takes to start: wait for its connection, then a second for the login and a few ticks
    await untilConnected(relay.httpUrls[0], 30_000);
    await sleep(1000);
    // the pause (3 s) is far longer than the silence timeout (0.8 s)
    process.kill(relay.pid, "SIGSTOP");
    await sleep(3000);
    process.kill(relay.pid, "SIGCONT");
    await run;
    const events = k6ConsoleResult<string[]>(consoleFile, "pausedRelay");
    const dropped = events.indexOf("dropped: silent for more than 800 ms");
    expect(events[0], events.join(" | ")).toBe("ready");
    expect(dropped, events.join(" | ")).toBeGreaterThan(0);
    expect(events.slice(dropped + 1), events.join(" | ")).toContain("ready");
  });
});
