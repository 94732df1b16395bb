// --relay-command and --relay-image (and their variables) are refused with exit code 2 where
// they cannot run, naming the flag and what is allowed; --help lists them.
import { describe, expect, it } from "vitest";
import { parseRunFlags } from "../../harness/run/run-flags.ts";
import { runChaos } from "../support/run-chaos.ts";

const NO_VARIABLES = { CHAOS_ENV: undefined, CHAOS_RELAY_COMMAND: undefined, CHAOS_RELAY_IMAGE: undefined };

describe("a relay under test in the wrong environment is bad input", () => {
  it("refuses --relay-image with --env local and --relay-command with --env containers, with exit code 2", async () => {
    const [image, command] = await Promise.all([
      runChaos(["--scenario", "steady", "--env", "local", "--relay-image", "my-relay:1"], NO_VARIABLES),
      runChaos(["--scenario", "steady", "--env", "containers", "--relay-command", "my-relay"], NO_VARIABLES),
    ]);
    expect(image.code).toBe(2);
    expect(image.err).toContain("--relay-image runs only with --env containers (or auto), not with --env=local; allowed: --relay-image with --env containers, --relay-command with --env local");
    expect(command.code).toBe(2);
    expect(command.err).toContain("--relay-command runs only with --env local (or auto), not with --env=containers; allowed: --relay-command with --env local, --relay-image with --env containers");
  });

  it("refuses both at once, and a variable that does not fit CHAOS_ENV, with exit code 2", async () => {
    const [both, variable] = await Promise.all([
      runChaos(["--relay-command", "my-relay", "--relay-image", "my-relay:1"], NO_VARIABLES),
      runChaos(["--scenario", "steady"], { ...NO_VARIABLES, CHAOS_ENV: "local", CHAOS_RELAY_IMAGE: "my-relay:1" }),
    ]);
    expect(both.code).toBe(2);
    expect(both.err).toContain("--relay-command and --relay-image both given: allowed is one of them");
    expect(variable.code).toBe(2);
    expect(variable.err).toContain("CHAOS_RELAY_IMAGE runs only with --env containers (or auto), not with CHAOS_ENV=local");
  });

  it("checks values before anything starts: an empty command or a malformed image", () => {
    const env = process.env;
    try {
      process.env = { ...env, ...NO_VARIABLES };
      expect(() => parseRunFlags(["--relay-command", " "])).toThrow(/--relay-command="": allowed: a shell command that starts the relay/);
      expect(() => parseRunFlags(["--relay-image", "no spaces"])).toThrow(/--relay-image="no spaces": allowed: a container image reference/);
      expect(() => parseRunFlags(["--env", "local", "--relay-image", "r:1"])).toThrow(/--relay-image runs only with --env containers/);
      // a flag wins over the variables; the variables count when no flag is given
      process.env.CHAOS_RELAY_IMAGE = "from-variable:1";
      expect(parseRunFlags(["--relay-command", "./my-relay"]).relay).toEqual({ kind: "command", command: "./my-relay", source: "--relay-command" });
      expect(parseRunFlags([]).relay).toEqual({ kind: "image", image: "from-variable:1", source: "CHAOS_RELAY_IMAGE" });
      expect(parseRunFlags(["--env", "auto"]).relay?.kind).toBe("image");
    } finally {
      process.env = env;
    }
  });

  it("lists both flags and their variables in --help", async () => {
    const { code, out } = await runChaos(["--help"]);
    expect(code).toBe(0);
    for (const text of ["--relay-command CMD", "CHAOS_RELAY_COMMAND", "--relay-image IMAGE", "CHAOS_RELAY_IMAGE"]) expect(out).toContain(text);
  });
});
