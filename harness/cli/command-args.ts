// The argument parsing every sub-command of `npm run chaos` shares: node:util parseArgs, strict;
// -h/--help prints the command's usage; an unknown option, a missing value or a stray argument is
// an InputError (exit code 2) naming the command, the option and the options allowed.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "../errors.ts";

type CommandArgsConfig = Omit<ParseArgsConfig, "strict" | "tokens"> & { args: string[] };

/** The parsed values and positionals, or null when --help was asked for (the usage is printed). */
export function parseCommandArgs<C extends CommandArgsConfig>(name: string, usage: string, config: C): ReturnType<typeof parseArgs<C>> | null {
  const options = { ...config.options, help: { type: "boolean", short: "h" } } as const;
  let parsed;
  try {
    parsed = parseArgs({ ...config, options, strict: true });
  } catch (error) {
    const first = (error as Error).message.split(/(?<=\.) |\n/)[0]!.replace(/\.$/, "");
    throw new InputError(`${name}: ${first}; allowed: ${allowedOptions(options)}\n${usage}`);
  }
  const { help, ...values } = parsed.values as { help?: boolean };
  if (help) {
    process.stdout.write(`${usage}\n`);
    return null;
  }
  return { ...parsed, values } as ReturnType<typeof parseArgs<C>>;
}

function allowedOptions(options: NonNullable<ParseArgsConfig["options"]>): string {
  return Object.entries(options)
    .map(([flag, o]) => `${o.short ? `-${o.short}, ` : ""}--${flag}${o.type === "string" ? " VALUE" : ""}`)
    .join(", ");
}
