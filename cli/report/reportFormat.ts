/** Text formats the report's HTML uses; the client script formats the same way (ISO 8601, 24-hour, UTC). */

/** HTML-escapes text for element content and quoted attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

/** Epoch ms as "2026-01-06 10:03" (UTC, 24-hour). */
export const isoMinute = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/** A duration in ms as "45 min", "1 h 05 min" or "2 d 3 h". */
export function formatDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return "< 1 min";
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ${String(min % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A metric value with its unit, three significant digits, large values with k/M/G: "67.6 %", "694k bytes/s". */
export function formatValue(v: number, unit?: string): string {
  const a = Math.abs(v);
  const n =
    a >= 1e9 ? `${+(v / 1e9).toPrecision(3)}G` : a >= 1e6 ? `${+(v / 1e6).toPrecision(3)}M` : a >= 1e4 ? `${+(v / 1e3).toPrecision(3)}k` : `${+v.toPrecision(3)}`;
  return unit ? `${n} ${unit}` : n;
}
