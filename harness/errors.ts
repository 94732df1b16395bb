// Named errors at the edges of the harness; the CLI maps each to an exit code (exit-codes.ts).

/** Something the machine lacks: a tool, a container engine, an image. `fix` is the command that repairs it. */
export class EnvironmentError extends Error {
  override readonly name = "EnvironmentError";
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(fix ? `${message}\n  fix: ${fix}` : message);
  }
}

/** The user asked for something malformed: an unknown flag, a bad suite file, a bad value. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** A run finished and at least one service-level objective failed. */
export class SloFailedError extends Error {
  override readonly name = "SloFailedError";
}

/** The run was interrupted (Ctrl-C / SIGTERM) after faults were healed. */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";
}
