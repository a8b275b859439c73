/**
 * Browser-side marks of the report (plain ES2017 text, inlined into the client script's scope after the helpers):
 * `marks(svc)`, a uPlot plugin drawing on every chart the training period (grey, labelled), incidents (fill and a
 * solid bar along the top),
 * known windows ("/" hatching), false alerts ("×" cross-hatching) and scaling actions (dashed line, ▲ / ▼);
 * and `timelineLanes(svc)`, the lanes of the timeline chart where each kind of mark has its own row, so
 * position tells them apart even without colour.
 */
export const REPORT_MARKS_SCRIPT = String.raw`
  var TIMELINE_LANES = ["training", "known windows", "incidents", "scaling"];
  /** Device-pixel left and right of a window [from, to) clipped to the plot, or null when outside it. */
  function span(u, from, to) {
    var l = Math.max(u.bbox.left, u.valToPos(from, "x", true)), r = Math.min(u.bbox.left + u.bbox.width, u.valToPos(to, "x", true));
    return r > l ? [l, Math.max(1, r - l)] : null;
  }
  function marks(svc, opts) {
    var fills = !opts || opts.fills !== false;
    return {
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height, s;
          ctx.save();
          if (svc.training && (s = span(u, svc.training.from, svc.training.to))) { ctx.fillStyle = ENC.trainingFill; ctx.fillRect(s[0], top, s[1], h); }
          if (fills) {
            var hatch = pattern(ctx, "line", ENC.truth);
            svc.truth.forEach(function (w) {
              if (!(s = span(u, w.from, w.to))) return;
              ctx.globalAlpha = 0.45; ctx.fillStyle = hatch; ctx.fillRect(s[0], top, s[1], h); ctx.globalAlpha = 1;
            });
            var cross = pattern(ctx, "cross", ENC.falseMark);
            svc.incidents.forEach(function (w) {
              if (!(s = span(u, w.from, w.to))) return;
              ctx.fillStyle = ENC.incidentFill; ctx.fillRect(s[0], top, s[1], h);
              if (w.verdict === "false") { ctx.globalAlpha = 0.5; ctx.fillStyle = cross; ctx.fillRect(s[0], top, s[1], h); ctx.globalAlpha = 1; }
              // A solid bar along the top edge: an incident reads as one by position too, not only by its light fill.
              ctx.fillStyle = ENC.incident; ctx.fillRect(s[0], top, Math.max(2 * dpr, s[1]), 4 * dpr);
            });
          }
          ctx.restore();
        }],
        draw: [function (u) {
          var ctx = u.ctx, top = u.bbox.top, s;
          ctx.save();
          if (svc.training && (s = span(u, svc.training.from, svc.training.to)) && s[1] > 60 * dpr) {
            ctx.fillStyle = "#555"; ctx.font = "italic " + Math.round(11 * dpr) + "px sans-serif"; ctx.textBaseline = "top"; ctx.textAlign = "left";
            ctx.fillText("training (not scored)", s[0] + 4 * dpr, top + 3 * dpr);
          }
          ctx.strokeStyle = ENC.scaling; ctx.fillStyle = ENC.scaling; ctx.lineWidth = 1.5 * dpr;
          svc.scaling.forEach(function (a) {
            var x = u.valToPos(a.at, "x", true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.setLineDash([5 * dpr, 3 * dpr]);
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + u.bbox.height); ctx.stroke();
            ctx.setLineDash([]);
            triangle(ctx, x, top, a.action === "restore");
          });
          ctx.restore();
        }],
      },
    };
  }
  /** ▲ (scale-out) or ▼ (restore), 10 px wide, its top at y. */
  function triangle(ctx, x, y, down) {
    var w = 5 * dpr, h = 8 * dpr;
    ctx.beginPath();
    if (down) { ctx.moveTo(x - w, y); ctx.lineTo(x + w, y); ctx.lineTo(x, y + h); }
    else { ctx.moveTo(x - w, y + h); ctx.lineTo(x + w, y + h); ctx.lineTo(x, y); }
    ctx.closePath(); ctx.fill();
  }
  /** The timeline's lanes: training, known windows (hatched; missed ones dashed, ○), incidents (solid; false ones ✕), scaling (▲ ▼). */
  function timelineLanes(svc) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx, lh = u.bbox.height / TIMELINE_LANES.length, pad = 3 * dpr, s;
          function lane(i) { return [u.bbox.top + i * lh + pad, lh - 2 * pad]; }
          function label(text, x, y, h, color) {
            ctx.fillStyle = color; ctx.font = "bold " + Math.round(11 * dpr) + "px sans-serif"; ctx.textBaseline = "middle"; ctx.textAlign = "left";
            ctx.fillText(text, x, y + h / 2);
          }
          ctx.save();
          var L = lane(0);
          if (svc.training && (s = span(u, svc.training.from, svc.training.to))) { ctx.fillStyle = "rgba(0,0,0,0.18)"; ctx.fillRect(s[0], L[0], s[1], L[1]); }
          L = lane(1);
          var hatch = pattern(ctx, "line", ENC.truth);
          svc.truth.forEach(function (w) {
            if (!(s = span(u, w.from, w.to))) return;
            ctx.fillStyle = hatch; ctx.fillRect(s[0], L[0], s[1], L[1]);
            ctx.strokeStyle = ENC.truth; ctx.lineWidth = 1.5 * dpr;
            ctx.setLineDash(w.verdict === "missed" ? [4 * dpr, 3 * dpr] : []);
            ctx.strokeRect(s[0], L[0], s[1], L[1]);
            ctx.setLineDash([]);
            if (w.verdict === "missed") label("○ missed #" + w.ref, s[0] + s[1] + 3 * dpr, L[0], L[1], "#000");
          });
          L = lane(2);
          var cross = pattern(ctx, "cross", "#ffffff");
          svc.incidents.forEach(function (w) {
            if (!(s = span(u, w.from, w.to))) return;
            ctx.fillStyle = ENC.incident; ctx.fillRect(s[0], L[0], Math.max(2 * dpr, s[1]), L[1]);
            if (w.verdict === "false") { ctx.fillStyle = cross; ctx.fillRect(s[0], L[0], Math.max(2 * dpr, s[1]), L[1]); }
            label((w.verdict === "false" ? "✕ " : "") + "#" + w.ref, s[0] + Math.max(2 * dpr, s[1]) + 3 * dpr, L[0], L[1], "#000");
          });
          L = lane(3);
          ctx.fillStyle = ENC.scaling;
          svc.scaling.forEach(function (a) {
            var x = u.valToPos(a.at, "x", true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.fillStyle = ENC.scaling;
            triangle(ctx, x, L[0] + (L[1] - 8 * dpr) / 2, a.action === "restore");
          });
          ctx.restore();
        }],
      },
    };
  }
  /** What the timeline shows at time t (seconds), within tolerance seconds: for its tooltip. */
  function timelineAt(svc, t, tolerance) {
    var out = [];
    if (svc.training && t >= svc.training.from && t < svc.training.to) out.push({ text: "training period" });
    svc.truth.forEach(function (w) { if (t >= w.from - tolerance && t < w.to + tolerance) out.push({ text: "known: " + w.label + (w.verdict === "missed" ? " (○ missed #" + w.ref + ")" : ""), color: ENC.truth }); });
    svc.incidents.forEach(function (w) { if (t >= w.from - tolerance && t < w.to + tolerance) out.push({ text: w.label + (w.verdict === "false" ? " ✕ false alert" : ""), color: ENC.incident }); });
    svc.scaling.forEach(function (a) { if (Math.abs(a.at - t) <= tolerance) out.push({ text: (a.action === "restore" ? "▼ " : "▲ ") + isoMinute(a.at) + " " + a.label, color: ENC.scaling }); });
    return out;
  }
`;
