/**
 * Maintenance windows: when alerts are held or tagged and the service is not scaled. A window is one-off (two
 * instants) or recurring (weekdays, a local start time and a duration in an IANA time zone). Pure: the time-zone
 * arithmetic uses the platform's Intl (Node's full ICU), no library.
 *
 * Recurring windows follow the wall clock of their zone across daylight-saving changes: "Sunday 02:00
 * Europe/Berlin" is 01:00 UTC in winter and 00:00 UTC in summer. The duration is elapsed time (a 3-hour window
 * that spans the autumn change still lasts 3 hours). A start that falls in the hour skipped in spring begins at
 * the same instant as the hour before the change would have (02:30 on that day becomes 03:30 local); a start in
 * the hour repeated in autumn begins at its second occurrence.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** What happens to alerts during a window: held (not counted, not sent) or sent with the window's tag. */
export type WindowMode = "suppress" | "tag";

export interface OneOffWindow {
  readonly name: string;
  readonly mode: WindowMode;
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
}

export interface RecurringWindow {
  readonly name: string;
  readonly mode: WindowMode;
  readonly days: readonly Weekday[];
  /** Local start time, "HH:MM" (24-hour clock). */
  readonly at: string;
  readonly durationMinutes: number;
  /** IANA time zone, e.g. "Europe/Berlin". */
  readonly timeZone: string;
}

export type MaintenanceWindow = OneOffWindow | RecurringWindow;

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** A formatter of wall-clock parts in `timeZone`, made per call. */
export function formatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
}

/** True when the platform knows `timeZone` as an IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `instant` as `f` shows it, as if it were UTC (epoch ms, whole seconds). */
export function wallClock(instant: number, f: Intl.DateTimeFormat): number {
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(instant))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** The zone's offset from UTC at `instant`, ms (positive east of Greenwich). */
function offsetAt(instant: number, f: Intl.DateTimeFormat): number {
  return wallClock(instant, f) - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the wall clock of `timeZone` shows `local` (epoch ms of the wall-clock time read as UTC). */
export function zonedInstant(local: number, timeZone: string | Intl.DateTimeFormat): number {
  const f = typeof timeZone === "string" ? formatter(timeZone) : timeZone;
  const first = local - offsetAt(local, f);
  return local - offsetAt(first, f);
}

/** True when `t` (epoch ms) lies inside the window. */
export function inWindow(w: MaintenanceWindow, t: number): boolean {
  if ("start" in w) return t >= w.start && t < w.end;
  const [hh, mm] = w.at.split(":").map(Number);
  const duration = w.durationMinutes * MIN;
  const f = formatter(w.timeZone);
  const localDay = Math.floor(wallClock(t, f) / DAY) * DAY;
  // Occurrences that started on the local day of t or on the days before it, as far back as the duration reaches.
  const back = Math.ceil(duration / DAY) + 1;
  for (let k = 0; k <= back; k++) {
    const day = localDay - k * DAY;
    if (!w.days.includes(WEEKDAYS[new Date(day).getUTCDay()])) continue;
    const start = zonedInstant(day + (hh * 60 + mm) * MIN, f);
    if (t >= start && t < start + duration) return true;
  }
  return false;
}

/** The windows `t` lies in, in configuration order. */
export function activeWindows(windows: readonly MaintenanceWindow[], t: number): MaintenanceWindow[] {
  return windows.filter((w) => inWindow(w, t));
}
