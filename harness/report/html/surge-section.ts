// A surge scenario's own section of the run page: the chart of first-message latency against the
// sign-up rate with the knee marked (drawn by client/surge-chart.js from the embedded model), the
// knee in a sentence, and the surge's figures table.
import { escapeHtml as h } from "./html-escape.ts";
import type { SurgeModel } from "./surge-model.ts";

export function surgeSection(surge: SurgeModel, i: number): string {
  const rows = surge.figures.map((r) => `<tr><th scope="row">${h(r.label)}</th><td>${h(r.value)}</td></tr>`).join("\n");
  return `<h3 id="surge-${i}-h">The surge: sign-ups against first-message latency</h3>
<figure id="surge-chart-${i}" class="chart-figure" aria-labelledby="surge-chart-${i}-cap">
<figcaption id="surge-chart-${i}-cap">Connect to first message delivered (ms) against the ramp's sign-up rate, one point per second of the ramp <span class="legend-note">(dashed line: the knee, where p95 first crossed the bound; hatched grey: load generator saturated)</span></figcaption>
<div class="chart"></div>
<details class="table-alt"><summary>Show this chart as a table</summary></details>
</figure>
<p id="surge-knee-${i}">${h(surge.kneeText)}</p>
<table id="surge-figures-${i}"><caption>The surge's figures (summary.json, figures.surge)</caption><tbody>
${rows}
</tbody></table>`;
}
