// Exit code 3 from a real run: a machine that lacks what the run needs (here k6, and Go to build
// it) gets told what is missing and how to get it, before anything starts, and nothing is left behind.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";

describe("a run on a machine without its tools", () => {
  it("exits 3, names what is missing and the command that installs it", () => {
    const dir = mkdtempSync(join(tmpdir(), "environment-missing-"));
    const tools = join(dir, "tools");
    const path = (process.env.PATH ?? "").split(delimiter).filter((d) => !["k6", "go", "toxiproxy-server"].some((tool) => existsSync(join(d, tool)))).join(delimiter);
    const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--scenario", "steady", "--env", "local", "--users", "10", "--duration", "3s", "--reports", join(dir, "reports")], {
      encoding: "utf8", timeout: 60_000, env: { ...process.env, PATH: path, CHAOS_TOOLS_DIR: tools, GOROOT: "" },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(3);
    expect(output).toMatch(/k6 [\d.]+ is not installed: not on PATH/);
    expect(output).toMatch(/error: Go is not installed/);
    expect(output, "says how to get it").toMatch(/fix: install Go >= [\d.]+ from https:\/\/go\.dev\/dl\//);
    // nothing ran: no scenario folder with results
    const runs = existsSync(join(dir, "reports")) ? readdirSync(join(dir, "reports")).filter((f) => f !== "latest" && f !== "index.html") : [];
    for (const r of runs) expect(existsSync(join(dir, "reports", r, "steady", "messages.jsonl")), `${r} has results`).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
