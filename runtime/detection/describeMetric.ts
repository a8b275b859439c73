import type { MetricAttribution } from "../types";

/**
 * A metric value with its unit, for people: three significant digits, thousands as k/M/G for rates and
 * counts ("8.1 M bytes/s", "870 ms", "97.2 %", "1 count"); no unit when the feature set names none.
 */
export function formatMetricValue(value: number, unit?: string): string {
  const a = Math.abs(value);
  const num = a >= 1e9 ? `${trim(value / 1e9)} G` : a >= 1e6 ? `${trim(value / 1e6)} M` : a >= 1e4 ? `${trim(value / 1e3)} k` : trim(value);
  if (unit === undefined || unit === "") return num.trimEnd();
  return unit === "%" ? `${num.trimEnd()} %` : `${num}${num.endsWith(" ") ? "" : " "}${unit}`;
}

function trim(v: number): string {
  if (v === 0) return "0";
  const s = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** "http.server.latency.p95 870 ms, expected 120 ms (+9.3 sd)": one metric of an anomaly or incident. */
export function describeMetric(m: MetricAttribution): string {
  const dev = Number.isFinite(m.deviation) && m.deviation !== 0 ? ` (${m.deviation > 0 ? "+" : ""}${m.deviation.toFixed(1)} sd)` : "";
  return `${m.metric} ${formatMetricValue(m.value, m.unit)}, expected ${formatMetricValue(m.expected, m.unit)}${dev}`;
}
