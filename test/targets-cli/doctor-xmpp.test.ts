// The doctor shows the XMPP servers a target needs with their installed versions (dpkg's), or says
// they are missing with the command that installs them (a warning: only their targets need them).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { installedXmppVersionSync, XMPP_SERVER_SPECS, XMPP_SERVERS } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { PROJECT_ROOT } from "../../harness/toolchain/tools-dir.ts";

const run = promisify(execFile);

describe("doctor and the XMPP servers", () => {
  it("lists prosody and ejabberd with the version dpkg reports, or missing with the install command", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "doctor", "--no-start", "--json"], { cwd: PROJECT_ROOT, timeout: 60_000 }).catch((e: { stdout: string }) => e);
    const report = JSON.parse(stdout) as { components: { name: string; status: string; detail: string; fix?: string }[] };
    for (const kind of XMPP_SERVERS) {
      const component = report.components.find((c) => c.name === kind);
      const version = installedXmppVersionSync(kind);
      if (version) expect(component).toEqual({ name: kind, status: "ok", detail: `${version} (Debian package ${XMPP_SERVER_SPECS[kind].debianPackage}; --target ${kind})` });
      else expect(component).toMatchObject({ name: kind, status: "warn", detail: expect.stringMatching(/^missing: /), fix: `apt-get install -y ${kind}` });
    }
  });

  it("prints them in the table", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "doctor", "--no-start"], { cwd: PROJECT_ROOT, timeout: 60_000 }).catch((e: { stdout: string }) => e);
    for (const kind of XMPP_SERVERS) expect(stdout).toMatch(new RegExp(`^(ok|warn)\\s+${kind}\\s+(\\d[\\w.+~:-]*|missing: )`, "m"));
  });
});
