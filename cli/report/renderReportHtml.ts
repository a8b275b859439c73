import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPORT_CLIENT_SCRIPT } from "./reportClientScript";
import type { ReportModel, ServiceSummary } from "./reportModel";
import { escapeHtml } from "./reportFormat";
import { renderEncodingKey } from "./renderEncodingKey";
import { renderIncidentTable } from "./renderIncidentTable";
import { REPORT_STYLE } from "./reportStyle";

/** uPlot (MIT, https://github.com/leeoniya/uPlot): its minified browser build and stylesheet, read once. */
function uPlotAssets(): { js: string; css: string } {
  const dist = dirname(require.resolve("uplot/dist/uPlot.iife.min.js"));
  return { js: readFileSync(join(dist, "uPlot.iife.min.js"), "utf8"), css: readFileSync(join(dist, "uPlot.min.css"), "utf8") };
}

/** Text placed inside a <script> element must not close it early. */
const inScript = (s: string) => s.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");

const COLUMNS: readonly [keyof ServiceSummary, string][] = [
  ["service", "service"],
  ["containersAtStart", "containers at start"],
  ["containersAtMost", "most at once"],
  ["containersSeen", "containers seen¹"],
  ["from", "from (UTC)"],
  ["to", "to (UTC)"],
  ["scored", "rows scored"],
  ["anomalies", "anomalous rows"],
  ["incidents", "incidents"],
  ["kinds", "kinds"],
  ["alerts", "alert events"],
  ["scalingActions", "scaling actions"],
  ["truthDetected", "known windows detected"],
  ["falseAlerts", "false alerts"],
];

/**
 * The report as one self-contained HTML file: uPlot's script and stylesheet inlined, the data as JSON in the
 * page, no external URL anywhere, so it opens offline from disk. The summary, the key to the marks and each
 * service's incident table are plain HTML (readable with scripts off); the charts are drawn by REPORT_CLIENT_SCRIPT
 * into each service's `#service-<i>-charts`, which the table's links point at.
 */
export function renderReportHtml(model: ReportModel): string {
  const { js, css } = uPlotAssets();
  const head = COLUMNS.map(([, label]) => `<th>${escapeHtml(label)}</th>`).join("");
  const body = model.summary.map((s) => `<tr>${COLUMNS.map(([k]) => `<td>${escapeHtml(String(s[k]))}</td>`).join("")}</tr>`).join("\n");
  const sections = model.services.map((svc, i) => {
    const summary = model.summary.find((s) => s.service === svc.name);
    const withTruth = summary !== undefined && summary.truthDetected !== "-";
    return `<section class="service" id="service-${i}" data-service="${escapeHtml(svc.name)}">
<h2>Service ${escapeHtml(svc.name)}</h2>
<h3 class="table-title">Incidents${withTruth ? " and known windows" : ""} (click # or the start to zoom the charts below to it)</h3>
${renderIncidentTable(svc.table, `service-${i}-charts`, withTruth)}
<p class="note">${svc.bucketSeconds > 60 ? `Charts show the minimum and maximum of each ${Math.round(svc.bucketSeconds / 60)}-minute bucket (display only; detection scored every step).` : "Charts show every step."} Drag across a chart to zoom (all charts of the service follow), double-click to reset; hover for each container's value.</p>
<div class="charts" id="service-${i}-charts"></div>
</section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.title)}</title>
<style>${css}</style>
<style>${REPORT_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(model.title)}</h1>
<p class="subtitle">${escapeHtml(model.subtitle)}</p>
<table class="summary">
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
<p class="note">¹ Every container id seen in the period, per container name: a replaced or scaled-out task brings new containers, so this counts more than the tasks running at any one time. All times are UTC, ISO 8601, 24-hour.</p>
${renderEncodingKey()}
${sections.join("\n")}
<script id="report-data" type="application/json">${inScript(JSON.stringify(model))}</script>
<script>${inScript(js)}</script>
<script>${inScript(REPORT_CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}
