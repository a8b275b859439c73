import type { IncidentRow, Verdict } from "./reportIncidents";
import { escapeHtml, formatDuration, formatValue, isoMinute } from "./reportFormat";

/** The verdict as the table says it: a word and a symbol, so it reads without colour. */
export const VERDICT_TEXT: Record<Verdict, string> = { detected: "✓ detected", false: "✕ false alert", missed: "○ missed" };

/** Containers listed in the cell before the rest fold away. */
const SHOWN_CONTAINERS = 3;

function containersCell(r: IncidentRow): string {
  if (r.containers.length === 0) return "—";
  const list = r.containers.map(escapeHtml);
  if (r.containers.length <= SHOWN_CONTAINERS) return list.join("<br>");
  return `<details><summary>${r.containers.length} containers${r.byName ? `: ${escapeHtml(r.byName)}` : ""}</summary>${list.join("<br>")}</details>`;
}

/** Escaped text whose spaces do not break ("277k bytes/s" stays on one line). */
const nb = (s: string) => escapeHtml(s).replace(/ /g, "&nbsp;");

function metricsCell(r: IncidentRow): string {
  if (r.topMetrics.length === 0) return "—";
  return r.topMetrics
    .map((m) => `<div class="metric">${escapeHtml(m.metric)} <b>${nb(formatValue(m.value, m.unit))}</b> <span class="expected">${nb(`expected ${formatValue(m.expected, m.unit)}`)}</span> <span class="share">${nb(`(${Math.round(m.share * 100)} %)`)}</span></div>`)
    .join("");
}

/**
 * The incident table of one service as plain HTML (readable with scripts off). Each row's number and start
 * link to the service's charts (`href="#<chartsId>"`) and carry the time range (`data-from`, `data-to`, epoch
 * seconds) the client script zooms every chart to.
 */
export function renderIncidentTable(rows: readonly IncidentRow[], chartsId: string, withTruth: boolean): string {
  if (rows.length === 0) return `<p class="note">No incidents${withTruth ? " and no known windows" : ""} in this period.</p>`;
  const head = ["#", "start (UTC)", "end (UTC)", "duration", "kind", "peak grade", "containers", "top metrics: actual, expected (share of the score)", "alerts and actions (UTC)", ...(withTruth ? ["vs ground truth"] : [])];
  const body = rows.map((r) => {
    const from = r.start / 1000;
    const to = r.end / 1000;
    const link = (text: string) => `<a class="zoom" href="#${chartsId}" data-from="${from}" data-to="${to}" data-ref="${r.ref}" title="show ${escapeHtml(isoMinute(r.start))} – ${escapeHtml(isoMinute(r.end))} on the charts">${escapeHtml(text)}</a>`;
    const cells = [
      link(`#${r.ref}`),
      link(isoMinute(r.start)),
      r.open ? `${escapeHtml(isoMinute(r.end))} <i>(still open)</i>` : escapeHtml(isoMinute(r.end)),
      escapeHtml(formatDuration(r.end - r.start)),
      escapeHtml(r.kind),
      r.peakGrade === undefined ? "—" : `${r.peakGrade.toFixed(2)}<span class="share"> (confidence ${(r.confidence ?? 0).toFixed(2)})</span>`,
      containersCell(r),
      metricsCell(r),
      r.actions.length === 0 ? "—" : r.actions.map((a) => `<div class="action">${escapeHtml(a)}</div>`).join(""),
      ...(withTruth ? [r.verdict ? `<span class="verdict">${VERDICT_TEXT[r.verdict]}</span>${r.truth ? `<br><span class="share">${escapeHtml(r.truth)}</span>` : ""}` : "—"] : []),
    ];
    return `<tr id="${chartsId}-row-${r.ref}" class="incident${r.verdict ? ` verdict-${r.verdict}` : ""}">${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  return `<table class="incidents">
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${body.join("\n")}
</tbody>
</table>`;
}
