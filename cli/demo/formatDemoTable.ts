import { formatUtcMinute } from "./formatUtcMinute";
import type { DemoResult } from "./runDemo";

/** The final table: each injected incident, detected or missed, how fast, plus false alerts and scaling. */
export function formatDemoTable(r: DemoResult): string {
  const lines: string[] = [];
  const header = ["injected incident", "window (UTC)", "detected", "as", "min to detect"];
  const rows = r.report.matches.map((m) => [
    m.truth.kind,
    `${formatUtcMinute(m.truth.start)}–${formatUtcMinute(m.truth.end).slice(11)}`,
    m.detectedBy ? "yes" : "MISSED",
    m.detectedBy?.kind ?? "-",
    m.minutesToDetect !== undefined ? String(m.minutesToDetect) : "-",
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const fmt = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join("  ");
  lines.push(fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt));
  const detected = r.report.matches.filter((m) => m.detectedBy).length;
  lines.push("");
  lines.push(`detected ${detected} of ${r.report.matches.length} injected incidents; false alerts: ${r.report.falseAlerts.length}`);
  for (const f of r.report.falseAlerts) lines.push(`  false alert: ${f.kind} opened ${formatUtcMinute(f.openedAt)}`);
  lines.push(`scaling actions: ${r.scalingActions.length}${r.scalingActions.map((s) => `\n  ${s.action} ${s.fromTasks} → ${s.toTasks}: ${s.reason}`).join("")}`);
  return lines.join("\n");
}
