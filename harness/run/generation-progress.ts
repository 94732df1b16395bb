// Progress lines while a big population is generated.

/** "[steady]   generating users: 12,000/60,000 (20%), 4.1 s, about 16 s left": every 10% or 10 s, and at the end. */
export function generationProgress(name: string, log: (line: string) => void): (done: number, total: number) => void {
  const started = Date.now();
  let lastAt = 0;
  let lastShare = 0;
  return (done, total) => {
    const now = Date.now();
    const share = done / total;
    if (done < total && share - lastShare < 0.1 && now - lastAt < 10_000) return;
    lastAt = now;
    lastShare = share;
    const seconds = (now - started) / 1000;
    // workers take about a second to start: the pace is known once some users are done
    const left = share >= 0.05 && done < total ? `, about ${Math.ceil((seconds / done) * (total - done))} s left` : "";
    log(`[${name}]   generating users: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${Math.floor(share * 100)}%), ${seconds.toFixed(1)} s${left}`);
  };
}
