import { describe, expect, it } from "vitest";
import { parseAlertRules } from "../../runtime/detection/alertRulesSchema";
import { calendarFor, calendarView, detectionAtLevel, divideByLevel, hourlyLevels, LOAD_ROLES, rowsAtCalendarLevel, scaledMetrics, type ServiceCalendar } from "../../runtime/detection/serviceCalendar";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { SchemaError } from "../../runtime/errors/parseWithSchema";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"] as const;

/** Berlin: working days 1, nights of working days 0.4 until 07:00, weekends 0.3, Christmas like a Sunday, Christmas Eve like a Saturday. */
const BERLIN: ServiceCalendar = {
  services: ["checkout"],
  timeZone: "Europe/Berlin",
  weekly: [
    { days: WEEKDAYS, fromHour: 0, toHour: 7, level: 0.4 },
    { days: ["sat", "sun"], fromHour: 0, toHour: 24, level: 0.3 },
    { days: ["sun"], fromHour: 18, toHour: 22, level: 0.5 },
  ],
  holidays: [
    { date: "2026-12-25", name: "Christmas", like: "sun" },
    { date: "2026-12-24", like: "sat" },
  ],
};

describe("a service calendar's weekly profile", () => {
  it("has level 1 where no range reaches, and later ranges win the hours they share", () => {
    const levels = hourlyLevels(BERLIN);
    expect(levels.length).toBe(168);
    expect(levels[1 * 24 + 6]).toBe(0.4); // Monday 06:00
    expect(levels[1 * 24 + 7]).toBe(1); // Monday 07:00: not covered
    expect(levels[0 * 24 + 12]).toBe(0.3); // Sunday noon
    expect(levels[0 * 24 + 18]).toBe(0.5); // Sunday evening: the later range
    expect(levels[6 * 24 + 23]).toBe(0.3); // Saturday 23:00
  });

  it("is read on the local wall clock: 07:00 in Berlin is 06:00 UTC in winter", () => {
    const view = calendarView(BERLIN, DEFAULT_FEATURE_SET);
    expect(view.at(Date.UTC(2026, 0, 5, 5, 30))).toEqual({ level: 0.4 }); // Monday 06:30 local
    expect(view.at(Date.UTC(2026, 0, 5, 6, 30))).toEqual({ level: 1 }); // Monday 07:30 local
    expect(view.at(Date.UTC(2026, 0, 9, 23, 30))).toEqual({ level: 0.3 }); // Friday 23:30 UTC = Saturday 00:30 local
  });

  it("follows daylight saving: after the spring change 07:00 in Berlin is 05:00 UTC, after the autumn one 06:00 again", () => {
    const view = calendarView(BERLIN, DEFAULT_FEATURE_SET);
    // Sunday 2026-03-29 02:00 CET → 03:00 CEST. Monday 30 March: 06:30 local is 04:30 UTC, 07:30 local 05:30 UTC.
    expect(view.at(Date.UTC(2026, 2, 30, 4, 30)).level).toBe(0.4);
    expect(view.at(Date.UTC(2026, 2, 30, 5, 30)).level).toBe(1);
    // The Monday before, in winter time, 05:30 UTC was still 06:30 local.
    expect(view.at(Date.UTC(2026, 2, 23, 5, 30)).level).toBe(0.4);
    // The change night itself: Sunday from 01:00 UTC is 03:00 CEST; Sunday evening 18:00 CEST is 16:00 UTC.
    expect(view.at(Date.UTC(2026, 2, 29, 16, 30)).level).toBe(0.5);
    expect(view.at(Date.UTC(2026, 2, 29, 15, 30)).level).toBe(0.3);
    // Sunday 2026-10-25 03:00 CEST → 02:00 CET: Monday 26 October 06:30 UTC is 07:30 local again.
    expect(view.at(Date.UTC(2026, 9, 26, 5, 30)).level).toBe(0.4);
    expect(view.at(Date.UTC(2026, 9, 26, 6, 30)).level).toBe(1);
    // The repeated hour of the autumn change (02:00–03:00 local twice) is Sunday night: level 0.3 both times.
    expect(view.at(Date.UTC(2026, 9, 25, 0, 30)).level).toBe(0.3);
    expect(view.at(Date.UTC(2026, 9, 25, 1, 30)).level).toBe(0.3);
  });

  it("a holiday follows the profile of the weekday it behaves like, from local midnight to local midnight", () => {
    const view = calendarView(BERLIN, DEFAULT_FEATURE_SET);
    // Friday 25 December 2026: a Sunday's 18:00–22:00 (0.5) and otherwise 0.3, in local time (UTC+1).
    expect(view.at(Date.UTC(2026, 11, 25, 10))).toEqual({ level: 0.3, holiday: "Christmas" });
    expect(view.at(Date.UTC(2026, 11, 25, 18))).toEqual({ level: 0.5, holiday: "Christmas" });
    // 23:30 UTC on the 24th is already the 25th in Berlin; 23:30 UTC on the 25th is the 26th, an ordinary Saturday.
    expect(view.at(Date.UTC(2026, 11, 24, 23, 30))).toEqual({ level: 0.3, holiday: "Christmas" });
    expect(view.at(Date.UTC(2026, 11, 25, 23, 30))).toEqual({ level: 0.3 });
    // A holiday without a name is named by its date; like: sat.
    expect(view.at(Date.UTC(2026, 11, 24, 12))).toEqual({ level: 0.3, holiday: "2026-12-24" });
    // The Thursday before is an ordinary working day.
    expect(view.at(Date.UTC(2026, 11, 17, 12))).toEqual({ level: 1 });
  });
});

describe("what a calendar scales", () => {
  it("by default the load-like roles (CPU, network rx and tx), not memory, restarts, throttling or latency", () => {
    expect(LOAD_ROLES).toEqual(["cpu", "network-rx", "network-tx"]);
    expect(scaledMetrics({}, DEFAULT_FEATURE_SET).map((i) => DEFAULT_FEATURE_SET.metrics[i].name)).toEqual(["container.cpu.utilized", "container.network.rate.rx", "container.network.rate.tx"]);
  });

  it("or exactly the metrics it names (a request rate of role other, say)", () => {
    expect(scaledMetrics({ metrics: ["container.network.rate.tx"] }, DEFAULT_FEATURE_SET)).toEqual([3]);
  });

  it("divides the row and multiplies expected values and spreads back", () => {
    const row = [30, 400, 1000, 4000, 0, 0.2, 80];
    const divided = divideByLevel(row, [0, 2, 3], 0.5);
    expect(divided).toEqual([60, 400, 2000, 8000, 0, 0.2, 80]);
    const d = detectionAtLevel({ expected: divided, spread: [2, 5, 100, 200, 0.1, 0.1, 4], score: 1 }, [0, 2, 3], 0.5);
    expect(d).toEqual({ expected: row, spread: [1, 5, 50, 100, 0.1, 0.1, 4], score: 1 });
    // A pulse's end: the levels the pulse held come back into the metrics' units too.
    const pulse = detectionAtLevel({ expected: divided, spread: [2, 5, 100, 200, 0.1, 0.1, 4], pulseLevels: [120, 400, 2000, 8000, 0, 0.2, 80] }, [0, 2, 3], 0.5);
    expect(pulse.pulseLevels).toEqual([60, 400, 1000, 4000, 0, 0.2, 80]);
  });

  it("leaves rows of services without a calendar, and gap rows, as they are", () => {
    const rows = [
      { service: "checkout", timestamp: Date.UTC(2026, 0, 10, 12), values: [30, 400, 1000, 4000, 0, 0, 80], gap: false },
      { service: "checkout", timestamp: Date.UTC(2026, 0, 10, 12), values: [Number.NaN, 400, 1000, 4000, 0, 0, 80], gap: true },
      { service: "search", timestamp: Date.UTC(2026, 0, 10, 12), values: [30, 400, 1000, 4000, 0, 0, 80], gap: false },
    ];
    const out = rowsAtCalendarLevel(rows, [BERLIN], DEFAULT_FEATURE_SET);
    expect(out[0].values).toEqual([100, 400, 1000 / 0.3, 4000 / 0.3, 0, 0, 80]);
    expect(out[1]).toBe(rows[1]);
    expect(out[2]).toBe(rows[2]);
    expect(rowsAtCalendarLevel(rows, undefined, DEFAULT_FEATURE_SET)).toBe(rows);
    expect(calendarFor([BERLIN], "search")).toBeUndefined();
  });
});

describe("calendars in an alert rules file", () => {
  const rulesWith = (calendar: Record<string, unknown>) => ({ calendars: [{ services: ["checkout"], timeZone: "UTC", ...calendar }] });
  const problem = (calendar: Record<string, unknown>): string => {
    try {
      parseAlertRules(rulesWith(calendar), "rules.json");
    } catch (e) {
      if (e instanceof SchemaError) return e.message;
      throw e;
    }
    throw new Error("expected a SchemaError");
  };

  it("parse with defaults: the whole day, Sunday-like holidays, the load-like roles", () => {
    const rules = parseAlertRules(rulesWith({ weekly: [{ days: ["sun"], level: 0.25 }], holidays: [{ date: "2026-05-01" }] }), "rules.json");
    expect(rules.calendars).toEqual([{ services: ["checkout"], timeZone: "UTC", weekly: [{ days: ["sun"], fromHour: 0, toHour: 24, level: 0.25 }], holidays: [{ date: "2026-05-01", like: "sun" }] }]);
  });

  it.each([
    ["no time zone", { timeZone: undefined }, /rules\.json: calendars\[0\]\.timeZone: expected an IANA time zone, e.g. "Europe\/Berlin", but it is not set/],
    ["an hour past the day", { weekly: [{ days: ["mon"], to: "25:00", level: 1 }] }, /calendars\[0\]\.weekly\[0\]\.to: expected a whole local hour "HH:00" from "01:00" to "24:00", got "25:00"/],
    ["a level above 100", { weekly: [{ days: ["mon"], level: 250 }] }, /calendars\[0\]\.weekly\[0\]\.level: expected a number from 0\.01 to 100/],
    ["no days", { weekly: [{ days: [], level: 0.5 }] }, /calendars\[0\]\.weekly\[0\]\.days: expected a list of weekdays/],
    ["a holiday like a month", { holidays: [{ date: "2026-05-01", like: "may" }] }, /calendars\[0\]\.holidays\[0\]\.like: expected a weekday \(sun, mon, tue, wed, thu, fri, sat\), got "may"/],
    ["a date with a time", { holidays: [{ date: "2026-05-01T00:00" }] }, /calendars\[0\]\.holidays\[0\]\.date: expected a date "YYYY-MM-DD"/],
    ["no services", { services: [] }, /calendars\[0\]\.services: expected a list of at least one service name/],
  ])("%s: the error names the file and the field", (_what, calendar, message) => {
    expect(problem(calendar)).toMatch(message);
  });
});
