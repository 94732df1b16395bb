// A k6 instance given a part of the test (--execution-segment) must also be given the one sequence
// every instance shares (--execution-segment-sequence): without it k6 stripes each instance on its
// own, exec.vu.idInTest leaves holes and some users are never simulated (segments 0:1/2, 1/2:3/4,
// 3/4:1 gave VU ids {2,6,10}; 4 and 8 never ran). The harness and the k6-operator always give it;
// a runner started by hand without it is stopped here, before any of its users signs in.
import exec from "k6/execution";

/** The refusal for a segment without a sequence, or null when the instance may run. */
export function segmentRefusal(options: { executionSegment?: unknown; executionSegmentSequence?: unknown }): string | null {
  const segment = options.executionSegment;
  if (!segment || segment === "0:1" || options.executionSegmentSequence) return null;
  return `--execution-segment=${String(segment)} without --execution-segment-sequence: every instance must be given the same sequence (as the k6-operator and --segments give it), or users derived from exec.vu.idInTest are missing`;
}

/** Call from VU code (the options are not readable in the init context): aborts the test when refused. */
export function requireSharedSequence(): void {
  const refusal = segmentRefusal(exec.test.options as { executionSegment?: unknown; executionSegmentSequence?: unknown });
  if (refusal) exec.test.abort(refusal);
}
