// --target, CHAOS_TARGET, --target-config and a suite's "target": bad input is exit code 2 naming
// what was given and what is allowed, before anything starts.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runChaos } from "../support/run-chaos.ts";

const NO_VARIABLES = { CHAOS_ENV: undefined, CHAOS_TARGET: undefined, CHAOS_RELAY_COMMAND: undefined, CHAOS_RELAY_IMAGE: undefined };
const dir = mkdtempSync(join(tmpdir(), "target-bad-input-"));

function suiteFile(name: string, scenarios: object[]): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, scenarios }));
  return file;
}

describe("an unknown or impossible target is bad input (exit code 2)", () => {
  it("refuses --target nope and CHAOS_TARGET=nope, naming the allowed targets", async () => {
    const [flag, variable] = await Promise.all([
      runChaos(["--target", "nope", "--scenario", "steady"], NO_VARIABLES),
      runChaos(["--scenario", "steady"], { ...NO_VARIABLES, CHAOS_TARGET: "nope" }),
    ]);
    expect(flag.code, flag.err).toBe(2);
    expect(flag.err).toContain('--target: "nope" is not a target; allowed: relay, prosody, ejabberd');
    expect(variable.code, variable.err).toBe(2);
    expect(variable.err).toContain('CHAOS_TARGET: "nope" is not a target; allowed: relay, prosody, ejabberd');
  });

  it("refuses a suite's \"target\": \"nope\", naming the file and the field", async () => {
    const file = suiteFile("bad-target", [{ scenario: "steady", target: "nope" }]);
    const run = await runChaos(["--suite", file], NO_VARIABLES);
    expect(run.code, run.err).toBe(2);
    expect(run.err).toContain(`${file}: scenarios[0].target: "nope" is not a target; allowed: relay, prosody, ejabberd`);
  });

  it("refuses --relay-command or --relay-image with an XMPP target, naming both", async () => {
    const [command, image] = await Promise.all([
      runChaos(["--target", "prosody", "--relay-command", "x", "--scenario", "steady"], NO_VARIABLES),
      runChaos(["--target", "ejabberd", "--relay-image", "my-relay:1", "--scenario", "steady"], NO_VARIABLES),
    ]);
    expect(command.code, command.err).toBe(2);
    expect(command.err).toContain("--relay-command and --target=prosody: --relay-command tests your own relay in place of the reference relay (target relay), prosody is an XMPP server; allowed:");
    expect(image.code, image.err).toBe(2);
    expect(image.err).toContain("--relay-image and --target=ejabberd");
  });

  it("refuses --target-config with a file that does not exist, or with target relay", async () => {
    const config = join(dir, "prosody.cfg.lua");
    writeFileSync(config, "-- a configuration\n");
    const [missing, relay] = await Promise.all([
      runChaos(["--target", "prosody", "--target-config", "/no/such/file", "--scenario", "steady"], NO_VARIABLES),
      runChaos(["--target", "relay", "--target-config", config, "--scenario", "steady"], NO_VARIABLES),
    ]);
    expect(missing.code, missing.err).toBe(2);
    expect(missing.err).toContain("--target-config /no/such/file: no such file; allowed: a path to an existing configuration file");
    expect(relay.code, relay.err).toBe(2);
    expect(relay.err).toContain(`--target-config ${config} and --target=relay: a configuration file replaces an XMPP server's generated configuration`);
  });

  it("refuses --tls with an XMPP target", async () => {
    const tls = await runChaos(["--target", "prosody", "--tls", "--scenario", "steady"], NO_VARIABLES);
    expect(tls.code, tls.err).toBe(2);
    expect(tls.err).toContain("--tls and --target=prosody: TLS is served by the relay only, for now");
  });

  it("lists --target and --target-config in --help", async () => {
    const { code, out } = await runChaos(["--help"]);
    expect(code).toBe(0);
    for (const text of ["--target NAME", "relay | prosody | ejabberd", "CHAOS_TARGET", "--target-config FILE"]) expect(out).toContain(text);
  });
});
