// `npm run bench`'s flags: `--only servers|segments`, and bad input named by flag and allowed values (exit 2).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../bench/bench-args.ts";
import { roleOf } from "../../bench/machine-share.ts";

describe("npm run bench's command line (bench/bench-args.ts)", () => {
  it("runs the whole bench without flags, only the server searches with --only servers, only the --segments searches with --only segments", () => {
    expect(parseBenchArgs([])).toEqual({ only: null });
    expect(parseBenchArgs(["--only", "servers"])).toEqual({ only: "servers" });
    expect(parseBenchArgs(["--only=servers"])).toEqual({ only: "servers" });
    expect(parseBenchArgs(["--only", "segments"])).toEqual({ only: "segments" });
  });

  it("names the flag and its allowed values for a bad value, a missing value, an unknown flag or an argument", () => {
    expect(() => parseBenchArgs(["--only", "prosody"])).toThrow('--only: "prosody" is not allowed; allowed: servers, segments');
    expect(() => parseBenchArgs(["--only"])).toThrow("--only needs a value; allowed: servers, segments");
    expect(() => parseBenchArgs(["--fast"])).toThrow("npm run bench: Unknown option '--fast'; allowed: --only servers|segments");
    expect(() => parseBenchArgs(["servers"])).toThrow(/Unexpected argument 'servers'.*allowed: --only servers\|segments/);
  });

  it("exits 2 before measuring anything when a flag is bad", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "bench/main.ts", "--only", "relays"], { encoding: "utf8", timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--only: "relays" is not allowed; allowed: servers, segments');
    expect(run.stderr).not.toContain("[bench");
  });
});

describe("who used the machine (bench/machine-share.ts)", () => {
  it("counts the reference relay, Prosody and ejabberd (with the processes it starts) as the server, and the harness whose suite file names a server as the harness", () => {
    expect(roleOf("node", ["/usr/bin/node", "/work/dist/relay.mjs"], "harness")).toBe("server");
    expect(roleOf("lua5.4", ["lua5.4", "/usr/bin/prosody", "--config", "/tmp/x/prosody.cfg.lua", "-F"], "harness")).toBe("server");
    expect(roleOf("beam.smp", ["/usr/lib/erlang/erts-13/bin/beam.smp", "--", "-root", "/usr/lib/erlang"], "harness")).toBe("server");
    expect(roleOf("erl_child_setup", ["erl_child_setup", "1024"], "server")).toBe("server");
    expect(roleOf("node", ["/usr/bin/node", "--import", "tsx", "harness/cli/main.ts", "--suite", "reports/bench/x/suite-prosody-full-200-250.json"], undefined)).toBe("harness");
    expect(roleOf("k6", ["k6", "run"], "harness")).toBe("k6");
    expect(roleOf("toxiproxy-serv", ["toxiproxy-server"], "harness")).toBe("toxiproxy");
  });
});
