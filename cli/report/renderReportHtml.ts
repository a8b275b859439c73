import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPORT_CLIENT_SCRIPT } from "./reportClientScript";
import type { ReportModel, ServiceSummary } from "./reportModel";

/** uPlot (MIT, https://github.com/leeoniya/uPlot): its minified browser build and stylesheet, read once. */
function uPlotAssets(): { js: string; css: string } {
  const dist = dirname(require.resolve("uplot/dist/uPlot.iife.min.js"));
  return { js: readFileSync(join(dist, "uPlot.iife.min.js"), "utf8"), css: readFileSync(join(dist, "uPlot.min.css"), "utf8") };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
/** Text placed inside a <script> element must not close it early. */
const inScript = (s: string) => s.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");

const COLUMNS: readonly [keyof ServiceSummary, string][] = [
  ["service", "service"],
  ["containers", "containers"],
  ["from", "from (UTC)"],
  ["to", "to (UTC)"],
  ["scored", "rows scored"],
  ["anomalies", "anomalous rows"],
  ["incidents", "incidents"],
  ["kinds", "kinds"],
  ["alerts", "alert events"],
  ["scalingActions", "scaling actions"],
  ["truthDetected", "known windows detected"],
];

const STYLE = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; }
h1 { margin: 0 0 4px; font-size: 22px; } h2 { margin: 28px 0 4px; font-size: 18px; } h3 { margin: 10px 0 2px; font-size: 13px; font-weight: 600; }
.subtitle, .note { color: #555; margin: 0 0 8px; }
table.summary { border-collapse: collapse; margin: 12px 0; } table.summary th, table.summary td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
table.summary th { background: #f3f3f3; } table.summary td:first-child, table.summary td:nth-child(8) { text-align: left; }
.key { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; margin: 4px 0; } .key-item { padding-left: 4px; }
ul.events { font-size: 12px; color: #333; columns: 2; }
`;

/**
 * The report as one self-contained HTML file: uPlot's script and stylesheet inlined, the data as JSON in the
 * page, no external URL anywhere, so it opens offline from disk. The summary table is plain HTML (readable
 * even with scripts off); the charts are drawn by REPORT_CLIENT_SCRIPT.
 */
export function renderReportHtml(model: ReportModel): string {
  const { js, css } = uPlotAssets();
  const head = COLUMNS.map(([, label]) => `<th>${escapeHtml(label)}</th>`).join("");
  const body = model.summary.map((s) => `<tr>${COLUMNS.map(([k]) => `<td>${escapeHtml(String(s[k]))}</td>`).join("")}</tr>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.title)}</title>
<style>${css}</style>
<style>${STYLE}</style>
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
<div id="services"></div>
<script id="report-data" type="application/json">${inScript(JSON.stringify(model))}</script>
<script>${inScript(js)}</script>
<script>${inScript(REPORT_CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}
