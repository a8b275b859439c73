import { REPORT_HEATMAP_SCRIPT } from "./reportHeatmapScript";
import { REPORT_HELPERS_SCRIPT } from "./reportHelpersScript";
import { REPORT_MARKS_SCRIPT } from "./reportMarksScript";

/**
 * The browser side of the HTML report, as plain ES2017 text inlined into the page after uPlot. It reads the
 * report model from `<script id="report-data">` and fills each service's `.charts` element (the incident table
 * above it is already HTML) with: a timeline (one lane each for training, known windows, incidents, scaling), a
 * heat map (one row per container, colour = grade), the highest anomaly grade, and one chart per metric with a
 * line per container and the detector's expected band, every axis with its unit. All charts of a service share
 * the time axis: dragging zooms them together, double-click resets, and the table's links zoom to an incident.
 * Hovering shows every container's value. No network access, no globals other than uPlot.
 */
export const REPORT_CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  ${REPORT_HELPERS_SCRIPT}
  ${REPORT_MARKS_SCRIPT}
  ${REPORT_HEATMAP_SCRIPT}
  var model = JSON.parse(document.getElementById("report-data").textContent);
  var width = Math.max(600, Math.min(1600, (document.body.clientWidth || 1100) - 8));
  /** One left gutter for every chart, wide enough for the longest row label, so all time axes line up. */
  var gutter = (function () {
    var ctx = document.createElement("canvas").getContext("2d"), w = 0;
    ctx.font = "11px sans-serif";
    model.services.forEach(function (s) { s.containers.concat(TIMELINE_LANES).forEach(function (l) { w = Math.max(w, ctx.measureText(l).width); }); });
    return Math.round(Math.max(64, Math.min(260, w + 16)));
  })();
  var chartsOf = {};
  model.services.forEach(function (svc, sIdx) {
    var holder = document.getElementById("service-" + sIdx + "-charts");
    var charts = chartsOf[holder.id] = [];
    var down = svc.x.length > svc.containerGrades[0].length;
    var syncing = false;
    function onScale(u, key) {
      if (key !== "x" || syncing) return;
      var min = u.scales.x.min, max = u.scales.x.max;
      holder.setAttribute("data-x-min", String(min));
      holder.setAttribute("data-x-max", String(max));
      syncing = true;
      charts.forEach(function (c) { if (c !== u && (c.scales.x.min !== min || c.scales.x.max !== max)) c.setScale("x", { min: min, max: max }); });
      syncing = false;
    }
    function chart(title, cls, height, series, data, plugins, yAxis, extra) {
      var box = el("div", "chart " + cls);
      box.appendChild(el("h3", null, title));
      holder.appendChild(box);
      var opts = {
        width: width, height: height, plugins: plugins,
        scales: { x: { time: true } },
        tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
        legend: { show: false },
        cursor: { drag: { x: true, y: false }, sync: { key: "svc-" + sIdx }, focus: { prox: 12 } },
        focus: { alpha: 0.3 },
        series: [{}].concat(series),
        axes: [
          { label: "time (UTC, 24-hour)", labelSize: 16, values: timeTicks, size: 46, space: 70 },
          Object.assign({ size: gutter, labelSize: 18, values: function (u, splits) { return splits.map(si); } }, yAxis),
        ],
        hooks: { setScale: [onScale] },
      };
      if (extra) extra(opts);
      var u = new uPlot(opts, data, box);
      charts.push(u);
      return { u: u, box: box };
    }
    var nothing = svc.x.map(function () { return null; });
    var noValues = { label: "", values: function () { return []; }, ticks: { show: false }, grid: { show: false } };
    function fixedY(o) { o.scales.y = { auto: false, range: [0, 1] }; }
    var tolerance = function (u) { return (u.posToVal(6, "x") - u.posToVal(0, "x")); };

    // 1. Timeline: one lane per kind of mark.
    chart("Timeline: training, known windows, incidents (#n = row of the table above), scaling", "timeline", 48 + TIMELINE_LANES.length * 22 + 10,
      [{ label: "timeline", stroke: "transparent" }], [svc.x, nothing],
      [timelineLanes(svc), rowLabels(TIMELINE_LANES, "lanes"), tooltip(function (u) {
        var t = u.posToVal(u.cursor.left, "x"), items = timelineAt(svc, t, tolerance(u));
        return items.length ? [{ text: isoMinute(t) + " UTC", head: true, strong: true }].concat(items) : null;
      })], noValues, fixedY);

    // 2. Heat map: one row per container.
    var n = svc.containers.length, rh = Math.max(10, Math.min(18, Math.floor(480 / n)));
    var hm = chart("Anomaly grade per container (one row per container; colour = its highest grade in the bucket)", "heatmap", 46 + n * rh + 10,
      [{ label: "grade", stroke: "transparent" }], [svc.x, nothing],
      [heatmapCells(svc), marks(svc, { fills: false }), rowLabels(svc.containers, "containers"), tooltip(heatmapDescribe(svc))],
      Object.assign({}, noValues, { label: "container" }), fixedY);
    hm.box.setAttribute("data-rows", String(n));
    var scale = el("div", "grade-scale");
    var blank = el("span", "cell blank"), zero = el("span", "cell"), ramp = el("span", "ramp");
    zero.style.background = ENC.gradeZero;
    ramp.style.background = "linear-gradient(to right, " + ENC.gradeStops.join(", ") + ")";
    [blank, el("span", null, "not scored;"), zero, el("span", null, "grade 0 (normal);"), el("span", null, "grade above 0"), ramp, el("span", null, "1 (darker = more anomalous)")]
      .forEach(function (e) { scale.appendChild(e); });
    hm.box.insertBefore(scale, hm.box.children[1]);

    // 3. The highest grade per step.
    chart("Anomaly grade (highest container per step; 0 = normal, above 0 = anomalous, up to 1)", "grade", 170,
      [{ label: "max grade", stroke: "#000000", width: 1.5 }], [svc.x, svc.maxGrade],
      [marks(svc), tooltip(function (u, idx) {
        var g = svc.maxGrade[idx], items = timelineAt(svc, svc.x[idx], tolerance(u));
        return [{ text: isoMinute(svc.x[idx]) + " UTC", head: true, strong: true }, { text: "highest grade " + (g === null ? "– (not scored)" : g.toFixed(2)) }].concat(items);
      })], { label: "grade (0–1)" }, fixedY);

    // 4. One chart per metric: a line per container, the expected band per container name.
    svc.metrics.forEach(function (m) {
      var series = [], data = [svc.x], bands = [], focused = -1;
      m.bands.forEach(function (b) {
        var hi = series.length + 1, name = b.containerName || "containers";
        series.push({ label: "expected " + name + " (high)", stroke: ENC.bandLine, width: 1, points: { show: false } });
        series.push({ label: "expected " + name + " (low)", stroke: ENC.bandLine, width: 1, points: { show: false } });
        data.push(b.hi, b.lo);
        bands.push({ series: [hi, hi + 1], fill: ENC.bandFill });
      });
      var first = series.length + 1;
      svc.containers.forEach(function (c, i) { series.push({ label: c, stroke: PALETTE[i % PALETTE.length], width: 1 }); });
      data = data.concat(m.series);
      var unit = m.unit || "";
      var describe = function (u, idx) {
        var b = down ? Math.floor(idx / 2) : idx, i0 = down ? 2 * b : b, i1 = down ? i0 + 1 : b;
        var head = isoMinute(svc.x[i0]) + (down ? " – " + isoMinute(svc.x[i0] + svc.bucketSeconds).slice(11) + " UTC (min–max per container)" : " UTC");
        var rows = [];
        svc.containers.forEach(function (c, i) {
          var lo = m.series[i][i0], hi = m.series[i][i1];
          if (lo !== null || hi !== null) rows.push({ c: c, i: i, lo: lo === null ? hi : lo, hi: hi === null ? lo : hi });
        });
        rows.sort(function (a, b2) { return b2.hi - a.hi; });
        var lines = [{ text: head, head: true, strong: true }];
        rows.forEach(function (r) {
          var v = down && r.lo !== r.hi ? fmtValue(r.lo) + " – " + fmtValue(r.hi, unit) : fmtValue(r.hi, unit);
          lines.push({ text: r.c + ": " + v, color: PALETTE[r.i % PALETTE.length], strong: focused === first + r.i });
        });
        m.bands.forEach(function (bd) {
          if (bd.lo[i0] !== null) lines.push({ text: "expected " + (bd.containerName || "containers") + ": " + fmtValue(bd.lo[i0]) + " – " + fmtValue(bd.hi[i0], unit), color: ENC.bandLine });
        });
        return lines;
      };
      chart(m.name + (m.unit ? " [" + m.unit + "]" : "") + " (" + m.role + "; grey band: expected ± 3 recent standard deviations per container name)", "metric", 190, series, data,
        [marks(svc), tooltip(describe), { hooks: { setSeries: [function (u, i) { focused = i === null ? -1 : i; }] } }],
        { label: m.unit ? m.unit : "(no unit in the feature set)" },
        function (o) { o.bands = bands; });
    });
  });
  // The incident table's links: zoom every chart of the service to the incident (with some context either side).
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a.zoom") : null;
    if (!a) return;
    var charts = chartsOf[a.getAttribute("href").slice(1)];
    if (!charts || charts.length === 0) return;
    var from = +a.getAttribute("data-from"), to = +a.getAttribute("data-to"), pad = Math.max(1800, (to - from) / 2);
    charts[0].setScale("x", { min: from - pad, max: to + pad });
    var rows = document.querySelectorAll("tr.selected");
    for (var i = 0; i < rows.length; i++) rows[i].classList.remove("selected");
    var tr = a.closest("tr");
    if (tr) tr.classList.add("selected");
  });
  document.body.setAttribute("data-rendered", "true");
})();
`;
