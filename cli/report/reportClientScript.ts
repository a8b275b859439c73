/**
 * The browser side of the HTML report, as plain ES2017 text inlined into the page after uPlot. It reads the
 * report model from `<script id="report-data">` and draws, per service: the highest anomaly grade, then one
 * chart per metric with a line per container and the detector's expected band per container name (grey);
 * every chart shades incidents (red) and ground truth (blue) and marks scaling actions (green). No network access, no other globals than uPlot.
 */
export const REPORT_CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  var model = JSON.parse(document.getElementById("report-data").textContent);
  var root = document.getElementById("services");
  var palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#d62728",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363"];
  var width = Math.max(600, Math.min(1400, root.clientWidth || 1100));
  /** Axis labels short enough for the gutter: 250000 → 250k, 1048576 → 1.05M. */
  function si(v) {
    if (v === null || v === undefined) return "";
    var a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toPrecision(3) + "G";
    if (a >= 1e6) return +(v / 1e6).toPrecision(3) + "M";
    if (a >= 1e4) return +(v / 1e3).toPrecision(3) + "k";
    return +v.toPrecision(4) + "";
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function overlay(svc) {
    return {
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
          function band(w, fill) {
            var a = u.valToPos(w.from, "x", true), b = u.valToPos(w.to, "x", true);
            var l = Math.max(u.bbox.left, a), r = Math.min(u.bbox.left + u.bbox.width, b);
            if (r > l) { ctx.fillStyle = fill; ctx.fillRect(l, top, Math.max(1, r - l), h); }
          }
          ctx.save();
          svc.truth.forEach(function (w) { band(w, "rgba(31,119,180,0.16)"); });
          svc.incidents.forEach(function (w) { band(w, "rgba(214,39,40,0.20)"); });
          ctx.restore();
        }],
        draw: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = "#2ca02c";
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          svc.scaling.forEach(function (s) {
            var x = u.valToPos(s.at, "x", true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
          });
          ctx.restore();
        }],
      },
    };
  }
  function chart(parent, svc, title, series, data, height, showLegend, extra) {
    var box = el("div", "chart");
    box.appendChild(el("h3", null, title));
    parent.appendChild(box);
    var opts = {
      width: width, height: height,
      plugins: [overlay(svc)],
      scales: { x: { time: true } },
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
      legend: { show: showLegend },
      cursor: { drag: { x: true, y: false }, sync: { key: "svc-" + svc.name } },
      series: [{}].concat(series),
      axes: [{}, { size: 56, values: function (u, splits) { return splits.map(si); } }],
    };
    if (extra) extra(opts);
    return new uPlot(opts, data, box);
  }
  model.services.forEach(function (svc) {
    var section = el("section", "service");
    section.setAttribute("data-service", svc.name);
    section.appendChild(el("h2", null, "Service " + svc.name));
    var note = svc.bucketSeconds > 60
      ? "Shown as min/max per " + Math.round(svc.bucketSeconds / 60) + "-minute bucket (display only; detection used every step)."
      : "Every step shown.";
    section.appendChild(el("p", "note", note + " Red: incidents the detector raised. Blue: known ground truth. Green dashes: scaling actions. Drag to zoom, double-click to reset."));
    var key = el("div", "key");
    svc.containers.forEach(function (c, i) {
      var item = el("span", "key-item", c);
      item.style.borderLeft = "12px solid " + palette[i % palette.length];
      key.appendChild(item);
    });
    section.appendChild(key);
    root.appendChild(section);
    chart(section, svc, "Anomaly grade (highest container per step; 0 = normal, above 0 = anomalous)",
      [{ label: "max grade", stroke: "#d62728", width: 1.5 }],
      [svc.x, svc.maxGrade], 180, true, function (o) { o.scales.y = { range: [0, 1] }; });
    svc.metrics.forEach(function (m) {
      var series = [], data = [svc.x], bands = [];
      m.bands.forEach(function (b) {
        var hi = series.length + 1;
        series.push({ label: "expected " + (b.containerName || "containers") + " (high)", stroke: "rgba(0,0,0,0.25)", width: 1 });
        series.push({ label: "expected " + (b.containerName || "containers") + " (low)", stroke: "rgba(0,0,0,0.25)", width: 1 });
        data.push(b.hi, b.lo);
        bands.push({ series: [hi, hi + 1], fill: "rgba(0,0,0,0.07)" });
      });
      svc.containers.forEach(function (c, i) { series.push({ label: c, stroke: palette[i % palette.length], width: 1 }); });
      data = data.concat(m.series);
      chart(section, svc, m.name + (m.unit ? " [" + m.unit + "]" : "") + " (" + m.role + "; grey: expected band per container name)", series, data, 170, false,
        function (o) { o.bands = bands; });
    });
    // Everything that happened, in time order (UTC).
    var items = svc.scaling.map(function (s) { return { at: s.at, text: "scaling: " + s.label }; })
      .concat(svc.incidents.map(function (w) { return { at: w.from, text: "incident: " + w.label }; }))
      .concat(svc.truth.map(function (w) { return { at: w.from, text: "ground truth: " + w.label }; }))
      .sort(function (a, b) { return a.at - b.at; });
    var list = el("ul", "events");
    items.forEach(function (it) { list.appendChild(el("li", null, new Date(it.at * 1000).toISOString().slice(0, 16).replace("T", " ") + " " + it.text)); });
    section.appendChild(list);
  });
  document.body.setAttribute("data-rendered", "true");
})();
`;
