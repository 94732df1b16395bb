// Every sub-command of `npm run chaos` that takes options parses them the same way
// (harness/cli/command-args.ts): an unknown option, a missing value or a stray argument is exit
// code 2 with a message naming the command, the option and the options allowed, before the
// command does anything; -h/--help prints the command's usage and exits 0. Through the CLI's main()
// in this process; nothing is started.
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../harness/cli/main.ts";
import { exitCodeFor } from "../../harness/exit-codes.ts";

async function chaos(...args: string[]): Promise<{ code: number; err: string; out: string }> {
  let out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), err: "", out };
  } catch (error) {
    return { code: exitCodeFor(error), err: (error as Error).message, out };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

const COMMANDS: [command: string[], allowed: string][] = [
  [["analyse"], "--reports VALUE, --slo VALUE, -h, --help"],
  [["collect"], "--plan VALUE, --records VALUE, --archive VALUE, --linger-s VALUE, -h, --help"],
  [["slo"], "--list, --schema, --check VALUE, --suite VALUE, -h, --help"],
  [["report"], "--reports VALUE, --all, -h, --help"],
  [["export", "k8s"], "--parallelism VALUE, --scenario VALUE"],
  [["clean"], "--all, -h, --help"],
  [["doctor"], "--no-start, --json, -h, --help"],
  [["tools"], "--no-images, -h, --help"],
];

describe("the sub-commands' options", () => {
  it.each(COMMANDS)("%s: an unknown option is exit code 2 naming the command, the option and the allowed ones", async (command, allowed) => {
    const r = await chaos(...command, "--colour");
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${command[0]}: Unknown option '--colour'; allowed: ${allowed}`);
    expect(r.err).toMatch(/\nusage: npm run (chaos -- )?\w+/);
    expect(r.out).toBe("");
  });

  it.each(COMMANDS)("%s --help prints the command's usage and exits 0", async (command) => {
    const r = await chaos(...command, "--help");
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toMatch(new RegExp(`^usage: npm run (chaos -- )?${command[0]}\\b`));
  });

  it("a value missing, a value given to a switch and a stray argument are refused the same way", async () => {
    expect(await chaos("analyse", "gathered", "--slo")).toMatchObject({ code: 2, err: expect.stringContaining("analyse: Option '--slo <value>' argument missing; allowed: --reports VALUE, --slo VALUE") });
    expect(await chaos("slo", "--list=yes")).toMatchObject({ code: 2, err: expect.stringContaining("slo: Option '--list' does not take an argument; allowed: --list,") });
    expect(await chaos("slo", "extra")).toMatchObject({ code: 2, err: expect.stringContaining("slo: Unexpected argument 'extra'; allowed: --list,") });
  });
});
