// `npm run chaos -- <command>`: a small dispatcher. Each command lives in its own module under commands/.
// A first argument that is not a known command (or none at all) goes to `run`, the main job.
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { EXIT, exitCodeFor } from "./exit-codes.ts";
import { EnvironmentError, InputError, InterruptedError } from "../errors.ts";

export interface Command {
  summary: string;
  /** Resolves to the exit code. */
  main(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  doctor: { summary: "check node, k6, toxiproxy, the container engine and images; print fixes", load: () => import("./commands/doctor.ts") },
  tools: { summary: "build k6 and toxiproxy into .tools/bin and prepare container images", load: () => import("./commands/tools.ts") },
};

const RUN_MODULE = join(dirname(fileURLToPath(import.meta.url)), "commands", "run.ts");

export function helpText(): string {
  const lines = [
    "usage: npm run chaos -- [command] [options]",
    "",
    "commands:",
    "  run (default)  run a chaos suite (the first argument, if not a command below, goes to run)",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`),
    "  help           this text (also --help, -h)",
    "",
    "exit codes: 0 ok, 1 run failed (an SLO failed), 2 bad input, 3 environment missing, 130 interrupted",
  ];
  return lines.join("\n");
}

async function loadRun(): Promise<Command> {
  if (!existsSync(RUN_MODULE)) {
    throw new InputError("the `run` command is not yet available in this version; try `npm run chaos -- --help`");
  }
  // A path computed at run time keeps the type checker from requiring the file before it exists.
  const mod = (await import(pathToFileURL(RUN_MODULE).href)) as { command: Command };
  return mod.command;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h" || first === "help") {
    process.stdout.write(`${helpText()}\n`);
    return EXIT.ok;
  }
  const entry = first !== undefined ? COMMANDS[first] : undefined;
  if (entry) return (await entry.load()).command.main(rest);
  if (first === "run") return (await loadRun()).main(rest);
  return (await loadRun()).main(argv);
}

function report(error: unknown): void {
  if (error instanceof EnvironmentError || error instanceof InputError || error instanceof InterruptedError) {
    process.stderr.write(`error: ${error.message}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      report(error);
      process.exit(exitCodeFor(error));
    },
  );
}
