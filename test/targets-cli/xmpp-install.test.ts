// An XMPP server a run needs and the machine lacks: installed with apt-get (with progress and the
// time it took) where the run is root on Debian, else exit code 3 naming the command that installs it.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { EnvironmentError } from "../../harness/errors.ts";
import { installedXmppVersion } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { runWithProgress } from "../../harness/toolchain/run-with-progress.ts";
import { ensureXmppServer } from "../../harness/toolchain/ensure-xmpp-server.ts";

vi.mock("../../harness/targets/xmpp/xmpp-server-kind.ts", async (original) => ({ ...(await original<object>()), installedXmppVersion: vi.fn() }));
vi.mock("../../harness/toolchain/run-with-progress.ts", () => ({ runWithProgress: vi.fn(async () => undefined) }));
vi.mock("../../harness/toolchain/find-on-path.ts", async (original) => ({ ...(await original<object>()), findAllOnPath: vi.fn((name: string) => (name === "apt-get" && aptGet ? ["/usr/bin/apt-get"] : [])) }));

let aptGet = true;
const processIds = process as unknown as { getuid: () => number };
const version = vi.mocked(installedXmppVersion);
const steps = vi.mocked(runWithProgress);

beforeEach(() => {
  aptGet = true;
  version.mockReset();
  steps.mockClear();
  vi.restoreAllMocks();
});

describe("an XMPP server on first use", () => {
  it("takes the installed package as it is", async () => {
    version.mockResolvedValue("0.12.3-1+deb12u1");
    expect(await ensureXmppServer("prosody", () => {})).toBe("0.12.3-1+deb12u1");
    expect(steps).not.toHaveBeenCalled();
  });

  it("installs a missing one with apt-get where the run is root on Debian, saying how long it took", async () => {
    vi.spyOn(processIds, "getuid").mockReturnValue(0);
    version.mockResolvedValueOnce(null).mockResolvedValueOnce("23.01-1");
    const lines: string[] = [];
    expect(await ensureXmppServer("ejabberd", (l) => lines.push(l))).toBe("23.01-1");
    const install = steps.mock.calls.map(([step]) => step).find((s) => s.args[0] === "install");
    expect(install).toMatchObject({ command: "apt-get", args: ["install", "-y", "ejabberd"] });
    expect(install?.env?.DEBIAN_FRONTEND).toBe("noninteractive");
    expect(lines[0]).toBe("ejabberd is not installed: installing the Debian package ejabberd now (first use only)");
    expect(lines.at(-1)).toMatch(/^ok ejabberd 23\.01-1 ready in \d+ s$/);
  });

  it("fails at once with exit code 3 and the install command where it is not root, or not on Debian", async () => {
    version.mockResolvedValue(null);
    vi.spyOn(processIds, "getuid").mockReturnValue(1000);
    const notRoot = await ensureXmppServer("prosody", () => {}).catch((e: unknown) => e);
    expect(notRoot).toBeInstanceOf(EnvironmentError);
    expect((notRoot as EnvironmentError).message).toBe("target prosody needs the Debian package prosody, which is not installed, and this run cannot install it (the run is not root)\n  fix: apt-get install -y prosody");
    aptGet = false;
    vi.spyOn(processIds, "getuid").mockReturnValue(0);
    const noApt = await ensureXmppServer("ejabberd", () => {}).catch((e: unknown) => e);
    expect((noApt as EnvironmentError).message).toContain("this run cannot install it (apt-get is not on PATH: not a Debian-like machine)");
    expect((noApt as EnvironmentError).fix).toBe("apt-get install -y ejabberd");
    expect(steps).not.toHaveBeenCalled();
  });
});
