// The k6 client's connect timeout (scenarios/lib/server-link.ts), with real k6 and real relays: it
// bounds the wait for the relay's challenge, not the whole login. A relay that answered is there,
// so a login slower than the timeout (a relay busy with thousands of reconnects, or a saturated
// load generator signing late) is waited for; abandoning it made every such login start again,
// and 10,000 users reconnecting after a relay crash made 16,673 attempts fail this way. A relay
// that never answers still fails within the timeout.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelayProcess, type RelayProcess } from "../support/relay-process.ts";
import { k6ConsoleResult } from "../support/k6-console-result.ts";
import { requireTool } from "../support/require-tool.ts";

let relay: RelayProcess;
let stopped: RelayProcess;
beforeAll(async () => {
  [relay, stopped] = await Promise.all([startRelayProcess(), startRelayProcess()]);
  process.kill(stopped.pid, "SIGSTOP");
});
afterAll(async () => {
  if (stopped) process.kill(stopped.pid, "SIGCONT");
  await Promise.all([relay?.stop("SIGTERM"), stopped?.stop("SIGTERM")]);
});

describe("the k6 client's connect timeout", () => {
  it("waits for a login slower than the timeout once the relay sent its challenge, and fails a relay that never answers", async () => {
    const k6 = await requireTool("k6");
    const consoleFile = join(mkdtempSync(join(tmpdir(), "slow-login-")), "console.log");
    const env = { RELAY_URL: relay.wsUrls[0], STOPPED_RELAY_URL: stopped.wsUrls[0], CONNECT_TIMEOUT_MS: "1000", SIGNING_DELAY_MS: "2500", RUN_MS: "4500" };
    const run = promisify(execFile)(k6.path, ["run", "--quiet", "--no-usage-report", "--log-format=json", `--console-output=${consoleFile}`, ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), "test/k6/slow-login.k6.ts"], { timeout: 60_000 });
    // k6 cannot cancel a dial in progress, so its VU ends only once the stopped relay answers
    const resume = setInterval(() => {
      if (!existsSync(consoleFile) || !readFileSync(consoleFile, "utf8").includes("silentFailed")) return;
      clearInterval(resume);
      process.kill(stopped.pid, "SIGCONT");
    }, 100);
    try {
      await run;
    } finally {
      clearInterval(resume);
    }
    const events = k6ConsoleResult<{ slow: string[]; silent: string[] }>(consoleFile, "slowLogin");
    expect(events.slow, `slow login: ${events.slow.join(" | ")}`).toEqual(["ready"]);
    expect(events.silent[0], `silent relay: ${events.silent.join(" | ")}`).toBe("failed: no answer from the server after 1000 ms");
  });
});
