import { describe, expect, it } from "vitest";
import { activeWindows, inWindow, isTimeZone, zonedInstant, type RecurringWindow } from "../../runtime/detection/maintenanceWindows";

const MIN = 60_000;
const utc = (iso: string) => Date.parse(iso);

describe("maintenance windows", () => {
  it("a one-off window holds from its start (inclusive) to its end (exclusive)", () => {
    const w = { name: "freeze", mode: "suppress" as const, start: utc("2026-12-24T18:00:00Z"), end: utc("2026-12-24T20:00:00Z") };
    expect(inWindow(w, w.start - 1)).toBe(false);
    expect(inWindow(w, w.start)).toBe(true);
    expect(inWindow(w, w.end - 1)).toBe(true);
    expect(inWindow(w, w.end)).toBe(false);
  });

  it("a weekly window follows the local wall clock of its zone: Sunday 02:00 Berlin is 01:00 UTC in winter, 00:00 UTC in summer", () => {
    const w: RecurringWindow = { name: "db-patch", mode: "suppress", days: ["sun"], at: "02:00", durationMinutes: 60, timeZone: "Europe/Berlin" };
    // 2026-01-04 is a Sunday (CET, +01:00).
    expect(inWindow(w, utc("2026-01-04T00:59:00Z"))).toBe(false);
    expect(inWindow(w, utc("2026-01-04T01:00:00Z"))).toBe(true);
    expect(inWindow(w, utc("2026-01-04T01:59:00Z"))).toBe(true);
    expect(inWindow(w, utc("2026-01-04T02:00:00Z"))).toBe(false);
    // Not on Monday at the same time.
    expect(inWindow(w, utc("2026-01-05T01:30:00Z"))).toBe(false);
    // 2026-07-05 is a Sunday (CEST, +02:00).
    expect(inWindow(w, utc("2026-07-05T00:00:00Z"))).toBe(true);
    expect(inWindow(w, utc("2026-07-05T01:00:00Z"))).toBe(false);
  });

  it("across the spring DST change (Berlin, 2026-03-29 02:00 → 03:00): a 01:30 window of 2 h lasts 2 elapsed hours, ending 04:30 local", () => {
    const w: RecurringWindow = { name: "night", mode: "tag", days: ["sun"], at: "01:30", durationMinutes: 120, timeZone: "Europe/Berlin" };
    // 01:30 CET = 00:30 UTC; 2 h later = 02:30 UTC = 04:30 CEST.
    expect(inWindow(w, utc("2026-03-29T00:29:00Z"))).toBe(false);
    expect(inWindow(w, utc("2026-03-29T00:30:00Z"))).toBe(true);
    expect(inWindow(w, utc("2026-03-29T02:29:00Z"))).toBe(true);
    expect(inWindow(w, utc("2026-03-29T02:30:00Z"))).toBe(false);
    // The next Sunday starts at 01:30 CEST = 23:30 UTC on Saturday.
    expect(inWindow(w, utc("2026-04-04T23:29:00Z"))).toBe(false);
    expect(inWindow(w, utc("2026-04-04T23:30:00Z"))).toBe(true);
  });

  it("a start in the hour skipped in spring begins when 02:30 standard time would have (03:30 summer time)", () => {
    expect(new Date(zonedInstant(Date.UTC(2026, 2, 29, 2, 30), "Europe/Berlin")).toISOString()).toBe("2026-03-29T01:30:00.000Z");
  });

  it("across the autumn DST change (Berlin, 2026-10-25 03:00 → 02:00): a 02:30 start is the second 02:30 (CET), and the duration is elapsed time", () => {
    const w: RecurringWindow = { name: "night", mode: "tag", days: ["sun"], at: "02:30", durationMinutes: 60, timeZone: "Europe/Berlin" };
    // The second 02:30 local is 01:30 UTC.
    expect(inWindow(w, utc("2026-10-25T00:30:00Z"))).toBe(false); // the first 02:30 (CEST)
    expect(inWindow(w, utc("2026-10-25T01:30:00Z"))).toBe(true);
    expect(inWindow(w, utc("2026-10-25T02:29:00Z"))).toBe(true);
    expect(inWindow(w, utc("2026-10-25T02:30:00Z"))).toBe(false);
  });

  it("a window that runs past midnight holds on the next local day; a week-long one holds all week", () => {
    const late: RecurringWindow = { name: "late", mode: "suppress", days: ["fri"], at: "23:00", durationMinutes: 180, timeZone: "America/New_York" };
    // Friday 2026-01-09 23:00 EST = Saturday 04:00 UTC; until 07:00 UTC.
    expect(inWindow(late, utc("2026-01-10T06:59:00Z"))).toBe(true);
    expect(inWindow(late, utc("2026-01-10T07:00:00Z"))).toBe(false);
    const week: RecurringWindow = { name: "week", mode: "suppress", days: ["mon"], at: "00:00", durationMinutes: 7 * 24 * 60, timeZone: "UTC" };
    for (let d = 0; d < 7; d++) expect(inWindow(week, utc("2026-01-05T12:00:00Z") + d * 24 * 60 * MIN)).toBe(true);
  });

  it("knows IANA zones and lists the windows in force in configuration order", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    const a = { name: "a", mode: "tag" as const, start: 0, end: 100 };
    const b = { name: "b", mode: "suppress" as const, start: 50, end: 150 };
    expect(activeWindows([a, b], 60).map((w) => w.name)).toEqual(["a", "b"]);
    expect(activeWindows([a, b], 120).map((w) => w.name)).toEqual(["b"]);
  });
});
