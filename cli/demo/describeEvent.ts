import { describeMetric } from "../../runtime/detection/describeMetric";
import { describeFeedback } from "../../runtime/detection/feedback";
import type { IncidentEvent } from "../../runtime/types";
import { formatUtcMinute } from "./formatUtcMinute";

/** One readable line per alert event, as an operator would want to see it. */
export function describeEvent(e: IncidentEvent): string {
  const i = e.incident;
  const top = i.topMetrics
    .slice(0, 3)
    .map((m) => describeMetric(m))
    .join("; ");
  const names = i.containerNames.length > 0 && !(i.containerNames.length === 1 && i.containerNames[0] === "") ? ` (${i.containerNames.map((n) => n || "unnamed").join(", ")})` : "";
  const head = `[${formatUtcMinute(e.at)}] ${e.type.toUpperCase().padEnd(7)} ${i.service} ${i.kind} on ${i.containers.length} container(s)${names}, grade ${i.peakGrade.toFixed(2)}, confidence ${i.confidence.toFixed(2)}${e.rules && e.rules.length > 0 ? ` [rules: ${e.rules.join(", ")}]` : ""}${e.feedback && e.feedback.length > 0 ? ` [feedback: ${describeFeedback(e.feedback)}]` : ""}${e.calendar ? ` [calendar: level ${e.calendar.level}${e.calendar.holiday !== undefined ? `, holiday ${e.calendar.holiday}` : ""}]` : ""}`;
  const scaling = e.scaling ? `\n${" ".repeat(19)}scaling: ${e.scaling.action} ${e.scaling.fromTasks} → ${e.scaling.toTasks} tasks${e.scaling.applied ? "" : ` FAILED (${e.scaling.error})`} — ${e.scaling.reason}` : "";
  if (e.type === "restore") return `[${formatUtcMinute(e.at)}] RESTORE ${i.service} after the ${i.kind} incident resolved at ${formatUtcMinute(i.resolvedAt ?? e.at)}${scaling}`;
  return e.type === "resolve" ? `${head}${scaling}` : `${head}\n${" ".repeat(19)}top: ${top}${scaling}`;
}
