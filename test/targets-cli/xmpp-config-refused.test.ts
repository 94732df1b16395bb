// --target-config with a file the server refuses: exit code 3 with the server's own complaint and
// the fix, and nothing the run started is left running.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireXmppServer } from "../support/require-tool.ts";
import { runChaos } from "../support/run-chaos.ts";

/** Command lines of every live process (arguments joined by spaces). */
function commandLines(): string[] {
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
      return "";
    }
  });
}

describe("a configuration file the server refuses", () => {
  it("exits 3 with prosody's complaint and the fix, and stops Toxiproxy and the server", async (ctx) => {
    await requireXmppServer("prosody", ctx);
    const dir = mkdtempSync(join(tmpdir(), "xmpp-config-refused-"));
    const config = join(dir, "broken.cfg.lua");
    writeFileSync(config, "this is not lua (\n");
    const run = await runChaos(["--target", "prosody", "--target-config", config, "--env", "local", "--scenario", "steady", "--users", "4", "--duration", "3s", "--reports", join(dir, "reports")], { CHAOS_ENV: undefined, CHAOS_TARGET: undefined });
    expect(run.code, `${run.out}\n${run.err}`).toBe(3);
    expect(run.err).toMatch(/error: prosody [\d.+~a-z-]+ exited \(exit code 1\) before ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket answered/);
    expect(run.err).toContain(`it refused its configuration ${config}`);
    expect(run.err).toContain("syntax error");
    expect(run.err).toContain(`fix: correct ${config}, or run without it`);
    const ports = [...run.out.matchAll(/^starting toxiproxy-server on 127\.0\.0\.1:(\d+)/gm)].map((m) => m[1]);
    expect(ports).toHaveLength(2);
    const dataDir = /\(filled in as (\/\S+)\/prosody\.cfg\.lua\)/.exec(run.err)?.[1];
    expect(dataDir).toBeDefined();
    const left = commandLines().filter((c) => ports.some((p) => c.includes(`-port ${p}`)) || c.includes(dataDir!));
    expect(left, "processes the run left running").toEqual([]);
    expect(existsSync(dataDir!), "the run's data directory is removed").toBe(false);
  });
});
