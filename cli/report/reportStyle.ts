/** The report's stylesheet (besides uPlot's own). */
export const REPORT_STYLE = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; }
h1 { margin: 0 0 4px; font-size: 22px; } h2 { margin: 28px 0 4px; font-size: 18px; } h3 { margin: 10px 0 2px; font-size: 13px; font-weight: 600; }
.subtitle, .note { color: #555; margin: 0 0 8px; font-size: 13px; }
table.summary { border-collapse: collapse; margin: 12px 0 4px; } table.summary th, table.summary td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
table.summary th { background: #f3f3f3; } table.summary td:first-child, table.summary td:nth-child(4), table.summary td:nth-child(10) { text-align: left; }
.encoding-key { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 12px; margin: 8px 0; padding: 6px 8px; border: 1px solid #ddd; background: #fafafa; }
.encoding-key span { display: inline-flex; align-items: center; gap: 6px; }
table.incidents { border-collapse: collapse; font-size: 12px; margin: 6px 0 10px; }
table.incidents th, table.incidents td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; text-align: left; }
table.incidents th { background: #f3f3f3; position: sticky; top: 0; }
table.incidents td:first-child { font-weight: 600; white-space: nowrap; } table.incidents td:nth-child(2), table.incidents td:nth-child(3) { white-space: nowrap; }
table.incidents tr.verdict-false td:last-child { background: repeating-linear-gradient(45deg, #fff, #fff 4px, #eee 4px, #eee 6px); }
table.incidents tr.verdict-missed td { color: #444; font-style: italic; }
table.incidents tr.selected td { outline: 2px solid #000; outline-offset: -2px; background: #fff7d6; }
table.incidents .expected, table.incidents .share { color: #666; } table.incidents .verdict { font-weight: 600; white-space: nowrap; }
table.incidents details summary { cursor: pointer; }
table.incidents .action { white-space: nowrap; } table.incidents .metric { margin-bottom: 2px; } table.incidents td:nth-child(8) { min-width: 300px; } table.incidents td:nth-child(10) { min-width: 150px; max-width: 240px; }
.chart { position: relative; margin-bottom: 6px; }
.row-labels .row-label { position: absolute; left: 0; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; text-align: right; color: #333; font-family: sans-serif; }
.row-labels.lanes .row-label { font-weight: 600; }
.grade-scale { display: flex; align-items: center; gap: 6px; font-size: 11px; color: #444; margin: 2px 0 4px; }
.grade-scale .cell { display: inline-block; width: 14px; height: 10px; border: 1px solid #bbb; } .grade-scale .cell.blank { background: #fff; }
.grade-scale .ramp { display: inline-block; width: 120px; height: 10px; border: 1px solid #bbb; }
.tip { position: absolute; z-index: 10; pointer-events: none; background: rgba(255,255,255,0.96); border: 1px solid #888; border-radius: 3px; padding: 4px 6px; font-size: 11px; line-height: 1.35; white-space: nowrap; box-shadow: 0 1px 4px rgba(0,0,0,0.2); }
.tip.tip-2 { column-count: 2; column-gap: 14px; } .tip.tip-3 { column-count: 3; column-gap: 14px; }
.tip .tip-head { column-span: all; margin-bottom: 2px; }
.tip .tip-swatch { display: inline-block; width: 10px; height: 3px; margin-right: 5px; vertical-align: middle; }
`;
