// `npm run bench`'s own command line: `--only servers` runs only the full-crypto stepped search
// against each server (the reference relay, Prosody, ejabberd), `--only segments` only the relay's
// full-crypto search with one k6 instance and with `--segments 2`: a few minutes instead of the whole
// bench. Anything else is a BenchArgsError naming the flag and what it allows (exit code 2).
import { parseArgs } from "node:util";

export const ONLY_VALUES = ["servers", "segments"] as const;
export type OnlyPart = (typeof ONLY_VALUES)[number];

export interface BenchArgs {
  /** null: the whole bench */
  only: OnlyPart | null;
}

export class BenchArgsError extends Error {}

const USAGE = `allowed: --only ${ONLY_VALUES.join("|")}`;

export function parseBenchArgs(args: string[]): BenchArgs {
  let only: string | undefined;
  try {
    ({ values: { only } } = parseArgs({ args, options: { only: { type: "string" } }, strict: true, allowPositionals: false }));
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new BenchArgsError(`--only needs a value; allowed: ${ONLY_VALUES.join(", ")}`);
    const first = message.split("\n")[0].replace(/\.$/, "");
    throw new BenchArgsError(`npm run bench: ${first}; ${USAGE}`);
  }
  if (only === undefined) return { only: null };
  if (!(ONLY_VALUES as readonly string[]).includes(only)) throw new BenchArgsError(`--only: ${JSON.stringify(only)} is not allowed; allowed: ${ONLY_VALUES.join(", ")}`);
  return { only: only as OnlyPart };
}
