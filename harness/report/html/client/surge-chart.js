/* A surge scenario's chart (see surge-model.ts): first-message latency against the sign-up rate,
   the knee as a marker, the generator's saturated seconds shaded. */
"use strict";
var SurgeChart = (function () {
  function draw(surge, si) {
    var figure = document.getElementById("surge-chart-" + si);
    var target = figure.querySelector(".chart");
    var title = "Connect to first message delivered against sign-ups per second";
    var last = surge.x.length ? surge.x[surge.x.length - 1] : 1;
    var u = ChartKit.chart({
      target: target, title: title, xLabel: "sign-ups / s (the ramp's rate)", yLabel: "latency (ms)", x: surge.x, columns: surge.columns,
      linePoints: true, xRange: [0, Math.max(1, last * 1.05)], saturated: surge.saturated, markers: surge.markers,
    });
    ChartKit.tableAlternative(figure.querySelector("details"), title + " (ms), one row per second of the ramp", "sign-ups / s", surge.x, surge.columns);
    return { u: u, target: target };
  }
  return { draw: draw };
})();
