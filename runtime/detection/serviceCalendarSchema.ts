import * as v from "valibot";
import { isTimeZone, WEEKDAYS } from "./maintenanceWindows";
import type { ServiceCalendar } from "./serviceCalendar";
import { strictFields } from "./strictFields";

/**
 * The schema of the alert rules' `calendars` list (the stack config's `rules.calendars`, `cad backtest --rules`,
 * `cad demo --rules`). What an operator writes, e.g. in YAML:
 *
 * ```yaml
 * calendars:
 *   - services: [checkout, payments]
 *     timeZone: Europe/Berlin
 *     weekly:                                  # hours not covered: level 1; later ranges win
 *       - { days: [mon, tue, wed, thu, fri], from: "00:00", to: "07:00", level: 0.4 }
 *       - { days: [sat, sun], level: 0.3 }     # from/to default to the whole day
 *     holidays:
 *       - { date: "2026-12-25", name: Christmas }          # behaves like a Sunday
 *       - { date: "2026-12-24", name: Christmas Eve, like: sat }
 * ```
 * Built when called (at cold start in a Lambda, when the rules are parsed).
 */
export function serviceCalendarsSchema() {
  const dayWhat = `a list of weekdays (${WEEKDAYS.join(", ")})`;
  const hour = (what: string, pattern: RegExp) => v.pipe(v.string(what), v.regex(pattern, what), v.transform((s) => Number(s.slice(0, 2))));
  const fromWhat = 'a whole local hour "HH:00" from "00:00" to "23:00"';
  const toWhat = 'a whole local hour "HH:00" from "01:00" to "24:00"';
  const levelWhat = "a number from 0.01 to 100 (traffic relative to the level-1 hours)";
  const range = v.pipe(
    strictFields(
      {
        days: v.pipe(v.array(v.picklist(WEEKDAYS, dayWhat), dayWhat), v.minLength(1, dayWhat)),
        from: v.optional(hour(fromWhat, /^([01]\d|2[0-3]):00$/), "00:00"),
        to: v.optional(hour(toWhat, /^(0[1-9]|1\d|2[0-4]):00$/), "24:00"),
        level: v.pipe(v.number(levelWhat), v.finite(levelWhat), v.minValue(0.01, levelWhat), v.maxValue(100, levelWhat)),
      },
      'a weekly range {days, from?: "HH:00", to?: "HH:00", level}',
    ),
    v.forward(
      v.check((r) => r.to > r.from, 'a time after from (a range ends on its day: split a night into "…–24:00" and "00:00–…")'),
      ["to"],
    ),
  );
  const dateWhat = 'a date "YYYY-MM-DD"';
  const isDate = (s: string): boolean => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
  const holiday = strictFields(
    {
      date: v.pipe(v.string(dateWhat), v.regex(/^\d{4}-\d{2}-\d{2}$/, dateWhat), v.check(isDate, dateWhat)),
      name: v.optional(v.pipe(v.string("a short name"), v.nonEmpty("a short name"), v.maxLength(64, "a name of at most 64 characters"))),
      like: v.optional(v.picklist(WEEKDAYS, `a weekday (${WEEKDAYS.join(", ")})`), "sun"),
    },
    'a holiday {date: "YYYY-MM-DD", name?, like?: weekday (default sun)}',
  );
  const zoneWhat = 'an IANA time zone, e.g. "Europe/Berlin"';
  const namesWhat = "a list of names";
  const calendar = v.pipe(
    strictFields(
      {
        services: v.pipe(v.array(v.pipe(v.string("a service name"), v.nonEmpty("a service name")), "a list of service names"), v.minLength(1, "a list of at least one service name")),
        timeZone: v.pipe(v.string(zoneWhat), v.check(isTimeZone, zoneWhat)),
        weekly: v.optional(v.array(range, "a list of weekly ranges"), []),
        holidays: v.optional(v.array(holiday, "a list of holidays"), []),
        metrics: v.optional(v.pipe(v.array(v.pipe(v.string("a metric name of the feature set"), v.nonEmpty("a metric name of the feature set")), namesWhat), v.minLength(1, "a list of at least one metric name"))),
      },
      "a calendar {services, timeZone, weekly?, holidays?, metrics?}",
    ),
    v.forward(
      v.check((c) => new Set(c.holidays.map((h) => h.date)).size === c.holidays.length, "holidays with distinct dates"),
      ["holidays"],
    ),
  );
  return v.pipe(
    v.array(calendar, "a list of calendars"),
    v.check((cs) => {
      const all = cs.flatMap((c) => c.services);
      return new Set(all).size === all.length;
    }, "calendars naming each service once (a service has at most one calendar)"),
    v.transform((cs): ServiceCalendar[] =>
      cs.map((c) => ({
        services: c.services,
        timeZone: c.timeZone,
        weekly: c.weekly.map((r) => ({ days: r.days, fromHour: r.from, toHour: r.to, level: r.level })),
        holidays: c.holidays.map((h) => ({ date: h.date, ...(h.name !== undefined ? { name: h.name } : {}), like: h.like })),
        ...(c.metrics !== undefined ? { metrics: c.metrics } : {}),
      })),
    ),
  );
}

const hh = (h: number): string => `${String(h).padStart(2, "0")}:00`;

/** Calendars in the shape the schema reads (the stack config hands them to the detect Lambda this way). */
export function serviceCalendarsInput(calendars: readonly ServiceCalendar[]): unknown {
  return calendars.map((c) => ({
    services: c.services,
    timeZone: c.timeZone,
    weekly: c.weekly.map((r) => ({ days: r.days, from: hh(r.fromHour), to: hh(r.toHour), level: r.level })),
    holidays: c.holidays,
    ...(c.metrics !== undefined ? { metrics: c.metrics } : {}),
  }));
}
