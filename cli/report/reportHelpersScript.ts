import { CONTAINER_PALETTE, ENCODINGS } from "./reportEncodings";

/**
 * Browser-side helpers of the report (plain ES2017 text, inlined into the client script's scope): the encodings,
 * DOM building, ISO 24-hour UTC time labels, value formats, canvas patterns, HTML row labels beside a chart, and a
 * tooltip plugin for uPlot. Text is set with textContent only (names come from data).
 */
export const REPORT_HELPERS_SCRIPT = String.raw`
  var ENC = ${JSON.stringify(ENCODINGS)};
  var PALETTE = ${JSON.stringify(CONTAINER_PALETTE)};
  var dpr = window.devicePixelRatio || 1;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  /** Epoch seconds as "2026-01-06 10:03" (UTC, 24-hour). */
  function isoMinute(s) { return new Date(s * 1000).toISOString().slice(0, 16).replace("T", " "); }
  /** x-axis labels: 24-hour UTC time, with the ISO date under the first tick and under each new day. */
  function timeTicks(u, splits) {
    var lastDay = null;
    return splits.map(function (s) {
      var iso = new Date(s * 1000).toISOString(), day = iso.slice(0, 10), hm = iso.slice(11, 16);
      var label = day !== lastDay ? hm + "\n" + day : hm;
      lastDay = day;
      return label;
    });
  }
  /** Axis labels short enough for the gutter: 250000 → 250k, 1048576 → 1.05M. */
  function si(v) {
    if (v === null || v === undefined) return "";
    var a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toPrecision(3) + "G";
    if (a >= 1e6) return +(v / 1e6).toPrecision(3) + "M";
    if (a >= 1e4) return +(v / 1e3).toPrecision(3) + "k";
    return +v.toPrecision(4) + "";
  }
  function fmtValue(v, unit) {
    if (v === null || v === undefined) return "–";
    var a = Math.abs(v), n;
    if (a >= 1e9) n = +(v / 1e9).toPrecision(3) + "G";
    else if (a >= 1e6) n = +(v / 1e6).toPrecision(3) + "M";
    else if (a >= 1e4) n = +(v / 1e3).toPrecision(3) + "k";
    else n = +v.toPrecision(3) + "";
    return unit ? n + " " + unit : n;
  }
  /** A repeating canvas pattern: "/" hatching or "×" cross-hatching, in device pixels. */
  function pattern(ctx, kind, color) {
    var s = Math.round(8 * dpr), c = document.createElement("canvas");
    c.width = s; c.height = s;
    var p = c.getContext("2d");
    p.strokeStyle = color; p.lineWidth = 1.5 * dpr;
    p.beginPath();
    p.moveTo(0, s); p.lineTo(s, 0);
    p.moveTo(-s / 2, s / 2); p.lineTo(s / 2, -s / 2);
    p.moveTo(s / 2, s * 1.5); p.lineTo(s * 1.5, s / 2);
    if (kind === "cross") { p.moveTo(0, 0); p.lineTo(s, s); p.moveTo(-s / 2, s / 2); p.lineTo(s / 2, s * 1.5); p.moveTo(s / 2, -s / 2); p.lineTo(s * 1.5, s / 2); }
    p.stroke();
    return ctx.createPattern(c, "repeat");
  }
  /** Heat-map colour of a grade: blank when not scored, grey at 0, light yellow to dark purple up to 1. */
  function gradeColor(g) {
    if (g === null || g === undefined) return null;
    if (g <= 0) return ENC.gradeZero;
    var stops = ENC.gradeStops, f = Math.min(1, g) * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(f)), t = f - i;
    function rgb(h) { return [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)]; }
    var a = rgb(stops[i]), b = rgb(stops[i + 1]);
    return "rgb(" + a.map(function (v, k) { return Math.round(v + (b[k] - v) * t); }).join(",") + ")";
  }
  /**
   * A uPlot plugin: HTML labels for the rows of a chart (heat-map containers, timeline lanes) in the left gutter,
   * each beside its row: real text a person can select and a test can count. Placed once uPlot has laid out.
   */
  function rowLabels(labels, cls) {
    return {
      hooks: {
        ready: [function (u) {
          var box = u.root.parentNode, holder = el("div", "row-labels " + cls);
          box.appendChild(holder);
          var o = u.over.getBoundingClientRect(), b = box.getBoundingClientRect();
          var top = o.top - b.top, h = o.height / labels.length, w = o.left - b.left - 28;
          labels.forEach(function (text, i) {
            var l = el("div", "row-label", text);
            l.title = text;
            l.style.top = (top + i * h) + "px";
            l.style.height = h + "px";
            l.style.lineHeight = h + "px";
            l.style.fontSize = Math.max(8, Math.min(11, h - 1)) + "px";
            l.style.left = "20px";
            l.style.width = w + "px";
            holder.appendChild(l);
          });
        }],
      },
    };
  }
  /**
   * A tooltip that follows the cursor: describe(u, idx) returns lines [{ text, color?, strong? }] or null. With
   * many lines it flows into columns so 50 containers still fit.
   */
  function tooltip(describe) {
    var tip, hovered = false;
    return {
      hooks: {
        init: [function (u) {
          tip = el("div", "tip"); tip.style.display = "none"; u.over.appendChild(tip);
          // Charts of a service share the cursor; only the one under the mouse shows its tooltip.
          u.over.addEventListener("mouseenter", function () { hovered = true; });
          u.over.addEventListener("mouseleave", function () { hovered = false; tip.style.display = "none"; });
        }],
        setCursor: [function (u) {
          var idx = u.cursor.idx, left = u.cursor.left;
          var lines = !hovered || idx === null || idx === undefined || left < 0 ? null : describe(u, idx, u.cursor.top);
          if (!lines || lines.length === 0) { tip.style.display = "none"; return; }
          tip.textContent = "";
          tip.className = "tip" + (lines.length > 26 ? " tip-3" : lines.length > 13 ? " tip-2" : "");
          lines.forEach(function (l) {
            var row = el("div", l.head ? "tip-head" : "tip-row");
            if (l.color) { var sw = el("span", "tip-swatch"); sw.style.background = l.color; row.appendChild(sw); }
            row.appendChild(el(l.strong ? "b" : "span", null, l.text));
            tip.appendChild(row);
          });
          tip.style.display = "block";
          var w = tip.offsetWidth, h = tip.offsetHeight, ow = u.over.clientWidth, oh = u.over.clientHeight;
          tip.style.left = (left + 16 + w > ow ? Math.max(0, left - 16 - w) : left + 16) + "px";
          tip.style.top = Math.max(0, Math.min(oh - h, u.cursor.top - h / 2)) + "px";
        }],
      },
    };
  }
`;
