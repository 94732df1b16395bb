// The one place a run's verdict becomes the exit code: 130 interrupted, 1 the gate failed (a failed
// objective or check; unknown too, unless the SLO file lets unknown pass), 0 every objective met.
import type { RunVerdict } from "../verdict/run-verdict.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";

export function exitCodeForVerdict(verdict: RunVerdict): ExitCode {
  if (verdict.interrupted) return EXIT.interrupted;
  return verdict.gate === "pass" ? EXIT.ok : EXIT.sloFailed;
}
