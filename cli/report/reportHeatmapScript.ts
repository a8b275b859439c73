/**
 * Browser-side heat map of the report (plain ES2017 text, inlined into the client script's scope after the
 * helpers): one row per container, one cell per bucket, colour = the container's highest anomaly grade there,
 * so one bad task stands out among fifty. `heatmapCells(svc)` is a uPlot plugin that paints the cells on the
 * shared time axis; `heatmapDescribe(svc)` tells the tooltip which container, when, and its grade.
 */
export const REPORT_HEATMAP_SCRIPT = String.raw`
  /** Start (epoch seconds) of bucket b: the x values hold two points per bucket when downsampled. */
  function bucketStart(svc, b) { return svc.x[svc.x.length > svc.containerGrades[0].length ? 2 * b : b]; }
  function heatmapCells(svc) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx, n = svc.containers.length, rh = u.bbox.height / n, left = u.bbox.left, right = left + u.bbox.width;
          ctx.save();
          svc.containerGrades.forEach(function (grades, c) {
            var y = u.bbox.top + c * rh;
            for (var b = 0; b < grades.length; b++) {
              var color = gradeColor(grades[b]);
              if (!color) continue;
              var t = bucketStart(svc, b), x0 = u.valToPos(t, "x", true), x1 = u.valToPos(t + svc.bucketSeconds, "x", true);
              if (x1 < left || x0 > right) continue;
              // Whole device pixels: fractional edges leave faint seams between neighbouring cells.
              x0 = Math.round(Math.max(left, x0)); x1 = Math.round(Math.min(right, x1));
              ctx.fillStyle = color;
              // Cells touch horizontally; a hairline between rows keeps neighbouring containers apart.
              ctx.fillRect(x0, y, Math.max(1, x1 - x0), Math.max(1, rh - (rh > 6 * dpr ? dpr : 0)));
            }
          });
          ctx.restore();
        }],
      },
    };
  }
  function heatmapDescribe(svc) {
    return function (u, idx, top) {
      var n = svc.containers.length, c = Math.floor(top / (u.over.clientHeight / n));
      if (c < 0 || c >= n) return null;
      var t = u.posToVal(u.cursor.left, "x"), b = Math.floor((t - svc.x[0]) / svc.bucketSeconds);
      if (b < 0 || b >= svc.containerGrades[c].length) return null;
      var g = svc.containerGrades[c][b], from = bucketStart(svc, b);
      return [
        { text: svc.containers[c], strong: true, head: true },
        { text: isoMinute(from) + (svc.bucketSeconds > 60 ? " – " + isoMinute(from + svc.bucketSeconds).slice(11) : "") + " UTC" },
        { text: g === null ? "not scored" : "highest grade " + g.toFixed(2) + (g > 0 ? " (anomalous)" : " (normal)"), color: g === null ? undefined : gradeColor(g) },
      ];
    };
  }
`;
