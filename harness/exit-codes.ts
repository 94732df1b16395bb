// Exit codes of `npm run chaos`, and the mapping from the named errors in harness/errors.ts.
import { EnvironmentError, InputError, InterruptedError, SloFailedError } from "./errors.ts";

export const EXIT = {
  ok: 0,
  sloFailed: 1,
  badInput: 2,
  environmentMissing: 3,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error nobody named (a bug, a crash) means the run did not pass: 1, with the stack printed by the CLI. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof InputError) return EXIT.badInput;
  if (error instanceof SloFailedError) return EXIT.sloFailed;
  if (error instanceof InterruptedError) return EXIT.interrupted;
  if (error instanceof EnvironmentError) return EXIT.environmentMissing;
  return EXIT.sloFailed;
}
