// The knee of the surge: the first second of the ramp whose sign-ups' first-message p95 exceeds
// the bound, and the ramp's rate then. Found from the ramp itself, and reported with whether the
// load generator was saturated at or before that second, so a knee of k6 is not the server's.
import type { SaturationSpan } from "../generator-saturation.ts";
import type { SurgeKnee, SurgeSecond } from "./surge-figures-schema.ts";

/** `rampFrom`: the epoch ms of the ramp's second 0 */
export function surgeKnee(seconds: SurgeSecond[], boundMs: number, saturation: SaturationSpan[], rampFrom: number): SurgeKnee {
  const knee = seconds.find((s) => s.firstMessageMs.p95 !== null && s.firstMessageMs.p95 > boundMs);
  if (!knee) return { boundMs, found: false, second: null, signUpsPerS: null, p95Ms: null, generatorSaturated: false, droppedIterations: 0, generatorNote: null };
  const upToKnee = seconds.filter((s) => s.second <= knee.second);
  const saturatedBefore = upToKnee.filter((s) => s.generatorSaturated);
  const dropped = upToKnee.some((s) => s.droppedIterations === null) ? null : upToKnee.reduce((n, s) => n + s.droppedIterations!, 0);
  const span = saturation.find((x) => x.from < rampFrom + (knee.second + 1) * 1000 && x.to > rampFrom);
  const notes = [
    ...(saturatedBefore.length ? [`generator saturated in ${saturatedBefore.length} second(s) up to the knee${span ? ` (${span.reason})` : ""}`] : []),
    ...(dropped ? [`k6 dropped ${dropped} sign-up(s) up to the knee (no free VU)`] : []),
  ];
  return {
    boundMs, found: true, second: knee.second, signUpsPerS: knee.plannedPerS, p95Ms: knee.firstMessageMs.p95,
    generatorSaturated: saturatedBefore.length > 0, droppedIterations: dropped,
    generatorNote: notes.length ? `${notes.join("; ")}: the knee may be the generator's` : null,
  };
}
