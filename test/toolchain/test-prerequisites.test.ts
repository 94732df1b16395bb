// `npm test` first provisions what the tests need. Where no container engine answers and this
// machine cannot install one (not root; or no apt-get: not Debian-like), it stops at once with one
// line naming what is missing and the command that installs it, exit code 3, and no test runs.
import { describe, expect, it } from "vitest";
import { inCi } from "../support/require-tool.ts";
import { canHideEngine, runWithoutEngine } from "./hidden-engine.ts";

const PROVISION = `"${process.execPath}" --import tsx harness/cli/main.ts provision`;
const NOBODY = "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp";

describe("npm test on a machine without a container engine", () => {
  it.for([
    { machine: "not root", command: `${NOBODY} ${PROVISION}`, hideAlso: [], why: "the run is not root" },
    { machine: "root, without apt-get", command: PROVISION, hideAlso: ["apt-get"], why: "apt-get is not on PATH: not a Debian-like machine" },
  ])("$machine: one line naming podman and the command that installs it, exit code 3", async ({ command, hideAlso, why }, ctx) => {
    if (!canHideEngine()) {
      if (inCi()) throw new Error("this test needs root and unshare (CI runs as root)");
      process.stderr.write("\n*** SKIPPED provisioning test: needs root and unshare to hide the container engine ***\n\n");
      ctx.skip();
    }
    const started = Date.now();
    const { code, output } = await runWithoutEngine(command, hideAlso);
    const lines = output.trimEnd().split("\n");
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: npm test needs the Debian packages podman\b.*\(the container engine.*\), which are not installed/);
    expect(lines[0]).toContain(`(${why})`);
    expect(lines[0]).toMatch(/; install with: sudo apt-get install -y podman\b/);
    expect(code, output).toBe(3);
    expect(Date.now() - started, "stops at once, before any build or install").toBeLessThan(20_000);
  });
});
