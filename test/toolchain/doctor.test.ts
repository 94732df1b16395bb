// The doctor reports the real toolchain: pinned k6 and Toxiproxy, and a container engine that answers.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runDoctor } from "../../harness/toolchain/doctor.ts";
import { K6_VERSION, TOXIPROXY_VERSION } from "../../harness/toolchain/versions.ts";
import { PROJECT_ROOT } from "../../harness/toolchain/tools-dir.ts";

const run = promisify(execFile);

describe("doctor", () => {
  it("reports k6 v2.2.0, toxiproxy 2.12.0 and a working container engine", async () => {
    const report = await runDoctor();
    const byName = Object.fromEntries(report.components.map((c) => [c.name, c]));
    const problems = report.components.filter((c) => c.status === "missing").map((c) => `${c.name}: ${c.detail} (fix: ${c.fix})`);
    expect(problems, "the doctor found missing components").toEqual([]);
    expect(byName.k6?.detail).toContain(`v${K6_VERSION}`);
    expect(byName["toxiproxy-server"]?.detail).toContain(TOXIPROXY_VERSION);
    expect(byName["toxiproxy-cli"]?.detail).toContain(TOXIPROXY_VERSION);
    expect(byName["container engine"]?.status).toBe("ok");
    expect(report.engine?.version).toMatch(/^\d+\.\d+/);
    expect(report.ok).toBe(true);
  });

  it("prints every component from the command line and exits 0", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "doctor"], { cwd: PROJECT_ROOT, timeout: 60_000 });
    for (const name of ["node", "k6", "toxiproxy-server", "toxiproxy-cli", "container engine", "toxiproxy image", "relay image"]) {
      expect(stdout).toMatch(new RegExp(`^ok\\s+${name}\\s`, "m"));
    }
  });

  it("prints the usage with the exit codes for --help and exits 0", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--help"], { cwd: PROJECT_ROOT, timeout: 30_000 });
    expect(stdout).toContain("doctor");
    expect(stdout).toContain("exit codes");
  });
});
