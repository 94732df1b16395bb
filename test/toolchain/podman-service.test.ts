// The Podman API service the harness starts outlives the run, so it must not keep the directory it
// was started from: once that is deleted (a CI clone), conmon fails ("Failed to get working
// directory") and no container starts. A second service on a socket of its own is started here
// the way the harness starts one, and its working directory is read from /proc.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probeEngine } from "../../harness/toolchain/container-engine.ts";
import { podmanInstalled, startPodmanService } from "../../harness/toolchain/podman-service.ts";
import { requireCommand } from "../support/require-tool.ts";

const dir = mkdtempSync(join(tmpdir(), "podman-service-test-"));
const socket = join(dir, "podman.sock");
let pid: number | null = null;
afterAll(() => {
  if (pid) process.kill(pid, "SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("the Podman service the harness starts", () => {
  it("runs from /, not from the directory it was started in", async (ctx) => {
    if (!(await podmanInstalled())) await requireCommand("podman", "podman", ctx);
    startPodmanService(socket);
    for (let i = 0; i < 80 && !(await probeEngine(`unix://${socket}`)); i++) await new Promise((r) => setTimeout(r, 250));
    expect(await probeEngine(`unix://${socket}`), `no answer at ${socket}`).toBeDefined();
    pid = Number(execFileSync("pgrep", ["-f", `system service --time=0 unix://${socket}`], { encoding: "utf8" }).trim().split("\n")[0]);
    expect(readlinkSync(`/proc/${pid}/cwd`)).toBe("/");
  });
});
