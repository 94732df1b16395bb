/* A run's page: draws every scenario's charts from the embedded model (see run-model.ts). */
"use strict";
(function () {
  var model = JSON.parse(document.getElementById("report-data").textContent);
  var charts = [];
  model.scenarios.forEach(function (s, si) {
    var x = [];
    for (var i = 0; i < s.seconds; i++) x.push(i);
    s.charts.forEach(function (spec) {
      var figure = document.getElementById("chart-" + si + "-" + spec.id);
      if (!figure) return;
      var target = figure.querySelector(".chart");
      var columns = spec.series.filter(function (n) { return s.series[n]; }).map(function (n) { return { name: n, values: s.series[n] }; });
      if (columns.length === 0) columns = [{ name: spec.series[0] + " (not recorded)", values: x.map(function () { return null; }) }];
      var u = ChartKit.chart({
        target: target, title: spec.title, xLabel: "time since scenario start ([h:]m:ss)", yLabel: spec.yLabel, x: x, columns: columns,
        xIsTime: true, syncKey: "scenario-" + si, xRange: [0, Math.max(1, s.seconds - 1)],
        faults: s.faults, saturated: s.saturated, markers: s.markers,
      });
      charts.push({ u: u, target: target });
      ChartKit.tableAlternative(figure.querySelector("details"), spec.title + " (" + spec.yLabel + ") per second", "time ([h:]m:ss)", x, columns, ChartKit.fmtSeconds);
    });
    if (s.surge) charts.push(SurgeChart.draw(s.surge, si));
  });
  if (model.restart.length) {
    var figure = document.getElementById("chart-restart");
    var target = figure.querySelector(".chart");
    var bx = model.restart.map(function (p) { return p.backlog; });
    var columns = [
      { name: "relay start time (ms)", values: model.restart.map(function (p) { return p.startupMs; }) },
      { name: "time to recover (ms)", values: model.restart.map(function (p) { return p.ttrMs; }) },
    ];
    var u = ChartKit.chart({ target: target, title: "Relay start time and time to recover against stored backlog", xLabel: "stored backlog (messages)", yLabel: "time (ms)", x: bx, columns: columns, points: true,
      xRange: [0, Math.max(1, bx[bx.length - 1] * 1.1)] });
    charts.push({ u: u, target: target });
    ChartKit.tableAlternative(figure.querySelector("details"), "Relay start time and time to recover per stored backlog", "stored backlog (messages)", bx, columns);
  }
  ChartKit.keepSized(charts);
  document.documentElement.dataset.chartsDrawn = String(charts.length);
})();
