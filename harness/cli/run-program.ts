// How a command-line program of the harness ends: the exit code its main resolves to, or, for an
// error, a message on stderr (the stack only for errors nobody named) and the code harness/exit-codes.ts gives it.
import { exitCodeFor } from "../exit-codes.ts";
import { EnvironmentError, InputError, InterruptedError } from "../errors.ts";

function report(error: unknown): void {
  if (error instanceof EnvironmentError || error instanceof InputError || error instanceof InterruptedError) {
    process.stderr.write(`error: ${error.message}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}

export function runProgram(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      report(error);
      process.exit(exitCodeFor(error));
    },
  );
}
