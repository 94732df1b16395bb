// The k6 flags that give one runner its stripe of every executor's VUs, written exactly as the
// k6-operator writes them (pkg/segmentation NewCommandFragments, k6-operator v1.6.0): the
// segment `i/N:(i+1)/N` with `0` and `1` for its ends, and the one sequence every runner must
// share (`0,1/N,...,(N-1)/N,1`, fractions never reduced). Without the shared sequence k6 stripes
// each runner on its own and `exec.vu.idInTest` leaves holes (ids 4 and 8 never ran in a test).

/** `--execution-segment` and `--execution-segment-sequence` for runner `index` (0-based) of `count`. */
export function executionSegmentArgs(index: number, count: number): string[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`segment count must be a whole number >= 1, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`segment index must be a whole number from 0 to ${count - 1}, got ${index}`);
  return [`--execution-segment=${boundary(index, count)}:${boundary(index + 1, count)}`, `--execution-segment-sequence=${segmentSequence(count)}`];
}

/** `0,1/N,2/N,...,1`: the same string for every runner of one test. */
export function segmentSequence(count: number): string {
  return Array.from({ length: count + 1 }, (_, i) => boundary(i, count)).join(",");
}

function boundary(i: number, count: number): string {
  if (i === 0) return "0";
  if (i === count) return "1";
  return `${i}/${count}`;
}
