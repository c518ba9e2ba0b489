/* detente charts: the dyad timeline, the agreements timeline and the event map.
 * Shared by the dashboard and the static report, so both draw the same pictures.
 * Needs plotly.js loaded first (served from the installed plotly package, never a CDN). */
(function (global) {
  "use strict";

  var QUAD_COLOURS = {
    "1": "#92c5de", /* verbal cooperation */
    "2": "#2166ac", /* material cooperation */
    "3": "#f4a582", /* verbal conflict */
    "4": "#b2182b"  /* material conflict */
  };
  var QUAD_NAMES = {
    "1": "Verbal cooperation",
    "2": "Material cooperation",
    "3": "Verbal conflict",
    "4": "Material conflict"
  };
  var STATUS_COLOURS = {
    made: "#2166ac", implemented: "#1b7837", extended: "#5aae61", violated: "#d6604d", collapsed: "#67001f"
  };
  var CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  var FONT = { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 13, color: "#1f2933" };

  function quadCount(period, q) {
    var quad = period.quad || {};
    return Number(quad[q] || quad[Number(q)] || 0);
  }

  function axisType(periods) {
    for (var i = 0; i < periods.length; i++) {
      if (!/^\d{4}(-\d{2}(-\d{2})?)?$/.test(periods[i])) { return "category"; }
    }
    return "date";
  }

  /* Stacked bars of events per period by quad class, with the Goldstein mean as a line. */
  function drawTimeline(el, dyad) {
    var series = dyad.series || [];
    var periods = series.map(function (p) { return p.period; });
    var traces = ["1", "2", "3", "4"].map(function (q) {
      return {
        type: "bar", name: QUAD_NAMES[q], x: periods,
        y: series.map(function (p) { return quadCount(p, q); }),
        marker: { color: QUAD_COLOURS[q] },
        hovertemplate: "%{x}: %{y} " + QUAD_NAMES[q].toLowerCase() + "<extra></extra>"
      };
    });
    traces.push({
      type: "scatter", mode: "lines+markers", name: "Goldstein mean", x: periods, yaxis: "y2",
      /* an empty period has no mean: leave a gap rather than draw a neutral 0 */
      y: series.map(function (p) { return p.events ? p.goldstein_mean : null; }),
      line: { color: "#111827", width: 2 }, marker: { size: 7 }, connectgaps: false,
      hovertemplate: "%{x}: Goldstein mean %{y:.2f}<extra></extra>"
    });
    var turning = (dyad.turning_points || []).filter(function (t) { return t && t.period; });
    if (turning.length) {
      var byPeriod = {};
      series.forEach(function (p) { byPeriod[p.period] = p.goldstein_mean; });
      traces.push({
        type: "scatter", mode: "markers", name: "Turning point", yaxis: "y2",
        x: turning.map(function (t) { return t.period; }),
        y: turning.map(function (t) { return byPeriod[t.period]; }),
        marker: { symbol: "diamond-open", size: 16, color: "#7c3aed", line: { width: 2 } },
        text: turning.map(function (t) { return t.description || t.direction || t.kind || "turning point"; }),
        hovertemplate: "%{x}: %{text}<extra></extra>"
      });
    }
    var layout = {
      barmode: "stack", font: FONT, margin: { l: 56, r: 64, t: 16, b: 48 }, height: 380,
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff", hovermode: "x unified",
      legend: { orientation: "h", y: -0.18 },
      xaxis: { type: axisType(periods), title: { text: "Period" }, gridcolor: "#e5e7eb" },
      yaxis: { title: { text: "Events" }, rangemode: "tozero", gridcolor: "#e5e7eb" },
      yaxis2: { title: { text: "Goldstein mean" }, overlaying: "y", side: "right", range: [-10.5, 10.5],
                tickmode: "array", tickvals: [-10, -5, 0, 5, 10],
                zeroline: true, zerolinecolor: "#9ca3af", showgrid: false }
    };
    return global.Plotly.newPlot(el, traces, layout, CONFIG);
  }

  /* One row per agreement: a bar from when it was made to its last known step, and a marker
   * per step of its history (made, implemented, extended, violated, collapsed) in that step's colour. */
  function drawAgreements(el, agreements) {
    var rows = (agreements || []).filter(function (a) { return a.date_from || (a.made && a.made.date); });
    if (!rows.length) { return null; }
    var traces = [];
    rows.forEach(function (a, i) {
      var label = (a.kind || "agreement") + " " + (i + 1) + " (" + (a.parties || []).join("–") + ")";
      var start = a.date_from || a.made.date;
      var end = a.date_to || start;
      traces.push({
        type: "scatter", mode: "lines", x: [start, end], y: [label, label], showlegend: false,
        line: { color: STATUS_COLOURS[a.status] || "#4b5563", width: 6 }, hoverinfo: "skip"
      });
      var steps = (a.history && a.history.length) ? a.history : [{ date: start, state: a.status || "made" }];
      steps = steps.filter(function (h) { return h.date; });
      traces.push({
        type: "scatter", mode: "markers", x: steps.map(function (h) { return h.date; }),
        y: steps.map(function () { return label; }), showlegend: false,
        text: steps.map(function (h) { return h.state; }),
        marker: { size: 14, symbol: "circle", line: { color: "#111827", width: 1 },
                  color: steps.map(function (h) { return STATUS_COLOURS[h.state] || "#4b5563"; }) },
        hovertemplate: label + "<br>%{text} on %{x}<extra></extra>"
      });
    });
    var layout = {
      font: FONT, height: Math.max(160, 80 + 48 * rows.length), margin: { l: 220, r: 24, t: 12, b: 40 },
      xaxis: { type: "date", gridcolor: "#e5e7eb" }, yaxis: { automargin: true },
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff"
    };
    return global.Plotly.newPlot(el, traces, layout, CONFIG);
  }

  /* Country outlines from the shipped Natural Earth file, drawn as filled scatter traces in
   * plain lon/lat (equirectangular), so no map tiles or topojson are fetched. */
  function drawMap(el, world, places, highlight) {
    var marked = {};
    (highlight || []).forEach(function (c) { marked[c] = true; });
    var plainX = [], plainY = [], markX = [], markY = [];
    (world.countries || []).forEach(function (c) {
      var xs = marked[c.iso3] ? markX : plainX;
      var ys = marked[c.iso3] ? markY : plainY;
      c.rings.forEach(function (ring) {
        ring.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); });
        xs.push(null); ys.push(null);
      });
    });
    var traces = [
      { type: "scatter", mode: "lines", x: plainX, y: plainY, fill: "toself", fillcolor: "#eef1f4",
        line: { color: "#9aa5b1", width: 0.6 }, hoverinfo: "skip", showlegend: false },
      { type: "scatter", mode: "lines", x: markX, y: markY, fill: "toself", fillcolor: "#fde68a",
        line: { color: "#a16207", width: 0.8 }, hoverinfo: "skip", name: "The two actors", showlegend: markX.length > 0 }
    ];
    var pts = (places || []).filter(function (p) { return p.lat !== null && p.lon !== null; });
    var maxN = Math.max.apply(null, [1].concat(pts.map(function (p) { return p.events; })));
    traces.push({
      type: "scatter", mode: "markers", name: "Event places", x: pts.map(function (p) { return p.lon; }),
      y: pts.map(function (p) { return p.lat; }),
      text: pts.map(function (p) { return p.name + ": " + p.events + " event" + (p.events === 1 ? "" : "s"); }),
      hovertemplate: "%{text}<extra></extra>",
      marker: { size: pts.map(function (p) { return 8 + 22 * Math.sqrt(p.events / maxN); }),
                color: pts.map(function (p) { return QUAD_COLOURS[String(p.quad)] || "#374151"; }),
                line: { color: "#111827", width: 1 }, opacity: 0.9 }
    });
    var xr = [-180, 180], yr = [-60, 85];
    if (pts.length) {
      var lons = pts.map(function (p) { return p.lon; }), lats = pts.map(function (p) { return p.lat; });
      var x0 = Math.min.apply(null, lons), x1 = Math.max.apply(null, lons);
      var y0 = Math.min.apply(null, lats), y1 = Math.max.apply(null, lats);
      var pad = Math.max(8, (x1 - x0) * 0.3, (y1 - y0) * 0.3);
      xr = [Math.max(-180, x0 - pad * 1.6), Math.min(180, x1 + pad * 1.6)];
      yr = [Math.max(-60, y0 - pad), Math.min(85, y1 + pad)];
    }
    var layout = {
      font: FONT, height: 420, margin: { l: 8, r: 8, t: 8, b: 8 }, showlegend: true,
      legend: { orientation: "h", y: 0.02, x: 0.01, bgcolor: "rgba(255,255,255,0.8)" },
      xaxis: { range: xr, visible: false, fixedrange: false },
      yaxis: { range: yr, visible: false, scaleanchor: "x", scaleratio: 1 },
      paper_bgcolor: "#dbeafe", plot_bgcolor: "#dbeafe"
    };
    return global.Plotly.newPlot(el, traces, layout, CONFIG);
  }

  global.DetenteCharts = { drawTimeline: drawTimeline, drawAgreements: drawAgreements, drawMap: drawMap,
                           QUAD_COLOURS: QUAD_COLOURS, QUAD_NAMES: QUAD_NAMES };
})(window);
