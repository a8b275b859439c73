import type { FeatureSet } from "../features/featureSet";
import type { MetricRole } from "../types";
import { formatter, wallClock, WEEKDAYS, type Weekday } from "./maintenanceWindows";

/**
 * Calendars: what operators know about a service's traffic that the detector cannot learn from a day of training —
 * a weekly profile (weekday peaks, weekend troughs) and holidays. Load-like metrics (those that scale with traffic)
 * are divided by the calendar's level for the local hour before the detector sees them, and the values it
 * expects are multiplied back before they reach alerts. Pure: the time-zone arithmetic is the platform's Intl,
 * shared with the maintenance windows (wall clock of the zone, so daylight-saving changes move the profile with
 * the local clock).
 *
 * Levels are relative to one another: 1 for the hours the detector trains on (usually a working day) and, say,
 * 0.3 for a Sunday that carries 30 % of that traffic. Hours no range covers have level 1.
 */

/** A range of the weekly profile: on `days`, from `fromHour` (inclusive) to `toHour` (exclusive), local time. */
export interface WeeklyLevel {
  readonly days: readonly Weekday[];
  /** Whole local hour, 0–23. */
  readonly fromHour: number;
  /** Whole local hour, 1–24, after `fromHour`. */
  readonly toHour: number;
  /** Expected traffic relative to the level-1 hours, in [0.01, 100]. */
  readonly level: number;
}

/** A day whose traffic follows another weekday's profile (a public holiday behaves like a Sunday). */
export interface Holiday {
  /** Local date, YYYY-MM-DD. */
  readonly date: string;
  readonly name?: string;
  /** The weekday whose profile the day follows (default `sun`). */
  readonly like: Weekday;
}

export interface ServiceCalendar {
  /** The services it applies to (each service is in at most one calendar). */
  readonly services: readonly string[];
  /** IANA time zone the hours and dates are local to. */
  readonly timeZone: string;
  /** Later ranges override earlier ones for the hours they share. */
  readonly weekly: readonly WeeklyLevel[];
  readonly holidays: readonly Holiday[];
  /** Feature-set metric names to scale; unset: every metric of a load-like role ({@link LOAD_ROLES}). */
  readonly metrics?: readonly string[];
}

/**
 * Roles whose values scale with traffic: CPU utilisation and the network rates. Memory (a heap is held whatever
 * the traffic), latency (not proportional to load), restarts and throttling (faults, not load) are left alone.
 * A request-rate metric of role `other` is named in the calendar's `metrics`.
 */
export const LOAD_ROLES: readonly MetricRole[] = ["cpu", "network-rx", "network-tx"];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The calendar's 168 hourly levels, Sunday 00:00 first (local time). */
export function hourlyLevels(cal: Pick<ServiceCalendar, "weekly">): Float64Array {
  const levels = new Float64Array(7 * 24).fill(1);
  for (const r of cal.weekly) for (const d of r.days) for (let h = r.fromHour; h < r.toHour; h++) levels[WEEKDAYS.indexOf(d) * 24 + h] = r.level;
  return levels;
}

/** The calendar's reading at one instant. */
export interface CalendarReading {
  /** Expected traffic relative to the level-1 hours. */
  readonly level: number;
  /** The holiday the local date is, when it is one. */
  readonly holiday?: string;
}

/** Reads a calendar at instants; build it once per window (it holds the zone's formatter and the 168 levels). */
export interface CalendarView {
  readonly calendar: ServiceCalendar;
  /** Indices (feature-set order) of the metrics divided by the level. */
  readonly scaled: readonly number[];
  at(t: number): CalendarReading;
}

/** The calendar of `service`, if one names it. */
export function calendarFor(calendars: readonly ServiceCalendar[] | undefined, service: string): ServiceCalendar | undefined {
  return calendars?.find((c) => c.services.includes(service));
}

/** Indices of the metrics a calendar scales, in feature-set order. */
export function scaledMetrics(cal: Pick<ServiceCalendar, "metrics">, fs: FeatureSet): number[] {
  const out: number[] = [];
  fs.metrics.forEach((m, i) => {
    if (cal.metrics ? cal.metrics.includes(m.name) : LOAD_ROLES.includes(m.role)) out.push(i);
  });
  return out;
}

/** A view of `cal` for the metrics of `fs`. */
export function calendarView(cal: ServiceCalendar, fs: FeatureSet): CalendarView {
  const levels = hourlyLevels(cal);
  const f = formatter(cal.timeZone);
  const holidays = new Map(cal.holidays.map((h) => [h.date, h]));
  const scaled = scaledMetrics(cal, fs);
  return {
    calendar: cal,
    scaled,
    at(t: number): CalendarReading {
      const local = wallClock(t, f);
      const hour = Math.floor((((local % DAY) + DAY) % DAY) / HOUR);
      const holiday = holidays.size > 0 ? holidays.get(new Date(Math.floor(local / DAY) * DAY).toISOString().slice(0, 10)) : undefined;
      const day = holiday ? WEEKDAYS.indexOf(holiday.like) : new Date(local).getUTCDay();
      const level = levels[day * 24 + hour];
      return holiday ? { level, holiday: holiday.name ?? holiday.date } : { level };
    },
  };
}

/** `values` with the scaled metrics divided by `level` (a new array; NaN stays NaN). */
export function divideByLevel(values: readonly number[], scaled: readonly number[], level: number): number[] {
  const out = [...values];
  for (const m of scaled) out[m] = values[m] / level;
  return out;
}

/** `values` with the scaled metrics multiplied by `level` (expected values and spreads back in the metric's unit). */
export function multiplyByLevel(values: readonly number[], scaled: readonly number[], level: number): number[] {
  const out = [...values];
  for (const m of scaled) out[m] = values[m] * level;
  return out;
}

/** A row as the detector sees it under the calendar: its scaled metrics divided by the level of its step. */
export function rowAtLevel<R extends { readonly timestamp: number; readonly values: readonly number[] }>(row: R, view: CalendarView): R {
  return { ...row, values: divideByLevel(row.values, view.scaled, view.at(row.timestamp).level) };
}

/**
 * A detection of a divided row with its expected values, spreads and (a pulse's end) the pulse's levels multiplied
 * back into the metric's unit.
 */
export function detectionAtLevel<D extends { readonly expected: number[]; readonly spread: number[]; readonly pulseLevels?: number[] }>(d: D, scaled: readonly number[], level: number): D {
  const back = { expected: multiplyByLevel(d.expected, scaled, level), spread: multiplyByLevel(d.spread, scaled, level) };
  return { ...d, ...back, ...(d.pulseLevels ? { pulseLevels: multiplyByLevel(d.pulseLevels, scaled, level) } : {}) };
}

/** True when the calendar changed the expectation at this reading (a level other than 1, or a holiday). */
export function shapedByCalendar(reading: CalendarReading): boolean {
  return reading.level !== 1 || reading.holiday !== undefined;
}

/**
 * Rows as the detector sees them under the services' calendars (a row of a service without one, and a gap row,
 * unchanged): what training must learn from, so the trained model and the detect handler agree. Without
 * calendars, `rows` itself.
 */
export function rowsAtCalendarLevel<R extends { readonly service: string; readonly timestamp: number; readonly values: readonly number[]; readonly gap: boolean }>(
  rows: readonly R[],
  calendars: readonly ServiceCalendar[] | undefined,
  fs: FeatureSet,
): readonly R[] {
  if (!calendars || calendars.length === 0) return rows;
  const views = new Map<string, CalendarView | undefined>();
  return rows.map((r) => {
    if (r.gap) return r;
    if (!views.has(r.service)) {
      const cal = calendarFor(calendars, r.service);
      views.set(r.service, cal ? calendarView(cal, fs) : undefined);
    }
    const view = views.get(r.service);
    return view ? rowAtLevel(r, view) : r;
  });
}
