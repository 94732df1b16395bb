// Timings a busy machine cannot spoil: the median of several samples, never one.

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** The median duration of `samples` sequential runs of `task`, in milliseconds. */
export async function medianMs(samples: number, task: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  return median(times);
}
