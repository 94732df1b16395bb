/* Shared by the report pages (runs in the browser, inlined after uPlot): theme colours, one chart
   with shaded bands and labelled markers as DOM elements over the plot, and its table alternative. */
"use strict";
var ChartKit = (function () {
  var PALETTE = ["#2f6fdf", "#e0702b", "#2e9e5b", "#b04ac9", "#c9a227", "#d0435b", "#3aa7b8"];

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
  }

  function fmtSeconds(s) {
    var sign = s < 0 ? "-" : "";
    s = Math.abs(Math.round(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = h > 0 ? (m < 10 ? "0" : "") + m : String(m);
    return sign + (h > 0 ? h + ":" : "") + mm + ":" + (r < 10 ? "0" : "") + r;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* Bands ({fromS, toS, label, entry?}) and markers ({atS, kind, label}) over the plot area (u.over). */
  function overlay(opts) {
    return {
      hooks: {
        ready: [draw],
        setSize: [draw],
        setScale: [function (u, key) { if (key === "x") draw(u); }],
      },
    };
    function draw(u) {
      var old = u.over.querySelectorAll(".band, .marker");
      for (var i = 0; i < old.length; i++) old[i].remove();
      var width = u.over.clientWidth || u.bbox.width / devicePixelRatio;
      function place(node, fromS, toS) {
        var l = Math.max(0, u.valToPos(fromS, "x")), r = Math.min(width, u.valToPos(toS, "x"));
        node.style.left = l + "px";
        node.style.width = Math.max(2, r - l) + "px";
      }
      (opts.faults || []).forEach(function (b, i) {
        var d = el("div", "band fault-band");
        d.dataset.fault = String(b.entry !== undefined ? b.entry : i);
        d.title = b.label;
        d.appendChild(el("span", "band-label", b.label));
        place(d, b.fromS, b.toS);
        u.over.appendChild(d);
      });
      (opts.saturated || []).forEach(function (b) {
        var d = el("div", "band saturated-band");
        d.title = b.label;
        d.appendChild(el("span", "band-label", b.label));
        place(d, b.fromS, b.toS);
        u.over.appendChild(d);
      });
      (opts.markers || []).forEach(function (m, i) {
        var d = el("div", "marker marker-" + m.kind);
        d.style.left = u.valToPos(m.atS, "x") + "px";
        d.title = m.label;
        var label = el("span", "marker-label", m.label);
        label.style.top = (14 + (i % 4) * 14) + "px";
        d.appendChild(label);
        u.over.appendChild(d);
        /* keep the text inside the plot: to the left of the line only when it would not fit to the right */
        if (u.valToPos(m.atS, "x") + label.offsetWidth + 4 > width) label.className += " marker-label-left";
      });
    }
  }

  /* opts: {target, title, xLabel, yLabel, x: [...], columns: [{name, values}], xIsTime, syncKey, xRange, faults, saturated, markers, points} */
  function chart(opts) {
    var fg = cssVar("--fg"), grid = cssVar("--grid");
    var width = Math.max(320, opts.target.clientWidth || 800);
    var axis = function (label, isX) {
      var a = { label: label, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
      if (!isX) a.size = 70; /* room for "20,000" and the axis label */
      if (isX && opts.xIsTime) {
        a.values = function (u, vals) { return vals.map(fmtSeconds); };
        a.incrs = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400]; /* whole seconds and minutes */
      }
      return a;
    };
    var series = [{ label: opts.xLabel, value: opts.xIsTime ? function (u, v) { return v == null ? "" : fmtSeconds(v); } : undefined }];
    opts.columns.forEach(function (c, i) {
      var s = { label: c.name, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false };
      if (opts.linePoints) s.points = { show: true, size: 7, fill: PALETTE[i % PALETTE.length] };
      if (opts.points) { s.paths = function () { return null; }; s.points = { show: true, size: 9, fill: PALETTE[i % PALETTE.length] }; }
      series.push(s);
    });
    var u = new uPlot({
      width: width,
      height: 220,
      title: undefined,
      cursor: opts.syncKey ? { sync: { key: opts.syncKey } } : {},
      scales: { x: { time: !!opts.xEpoch, range: opts.xRange ? function () { return opts.xRange; } : undefined } },
      axes: [axis(opts.xLabel, true), axis(opts.yLabel, false)],
      series: series,
      plugins: [overlay(opts)],
    }, [opts.x].concat(opts.columns.map(function (c) { return c.values; })), opts.target);
    u.root.querySelector("canvas").setAttribute("role", "img");
    u.root.querySelector("canvas").setAttribute("aria-label", opts.title + ": " + opts.yLabel + " against " + opts.xLabel + " (the table below has the same data)");
    return u;
  }

  /* Fills a <details> with the chart's data as a table the first time it is opened. */
  function tableAlternative(details, caption, xLabel, x, columns, xFormat) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.querySelector("table")) return;
      var t = el("table", "data");
      t.appendChild(el("caption", "", caption));
      var head = el("tr");
      [xLabel].concat(columns.map(function (c) { return c.name; })).forEach(function (h) { var th = el("th", "", h); th.scope = "col"; head.appendChild(th); });
      t.appendChild(el("thead")).appendChild(head);
      var body = el("tbody");
      for (var i = 0; i < x.length; i++) {
        var tr = el("tr");
        tr.appendChild(el("th", "", xFormat ? xFormat(x[i]) : String(x[i])));
        columns.forEach(function (c) { var v = c.values[i]; tr.appendChild(el("td", "", v == null ? "" : String(v))); });
        body.appendChild(tr);
      }
      t.appendChild(body);
      details.appendChild(t);
    });
  }

  function resizeAll(charts) {
    charts.forEach(function (c) { c.u.setSize({ width: Math.max(320, c.target.clientWidth), height: 220 }); });
  }

  function keepSized(charts) {
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { resizeAll(charts); }, 100);
    });
    window.addEventListener("beforeprint", function () { resizeAll(charts); });
  }

  return { chart: chart, tableAlternative: tableAlternative, keepSized: keepSized, fmtSeconds: fmtSeconds, el: el };
})();
