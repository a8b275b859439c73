import { describe, expect, it } from "vitest";
import { parseAlertRules } from "../../runtime/detection/alertRulesSchema";

describe("alert rules schema", () => {
  it("parses every rule kind with defaults (no metrics, no windows, mode suppress, onDeployment alert)", () => {
    expect(parseAlertRules({}, "rules.json")).toEqual({ metrics: [], maintenance: [], onDeployment: "alert" });
    const r = parseAlertRules(
      {
        metrics: [{ metric: "container.cpu.utilized", minAbsolute: 10 }, { metric: "http.server.latency.p95", direction: "up", minRelative: 0.2 }],
        maintenance: [
          { kind: "once", name: "freeze", start: "2026-12-24T18:00:00Z", end: "2026-12-24T20:00+01:00", mode: "tag" },
          { kind: "weekly", name: "db-patch", days: ["sun"], at: "02:00", durationMinutes: 60, timeZone: "Europe/Berlin" },
        ],
        onDeployment: "hold",
      },
      "rules.json",
    );
    expect(r.maintenance).toEqual([
      { name: "freeze", mode: "tag", start: Date.UTC(2026, 11, 24, 18), end: Date.UTC(2026, 11, 24, 19) },
      { name: "db-patch", mode: "suppress", days: ["sun"], at: "02:00", durationMinutes: 60, timeZone: "Europe/Berlin" },
    ]);
    expect(r.metrics[1]).toEqual({ metric: "http.server.latency.p95", direction: "up", minRelative: 0.2 });
    expect(r.onDeployment).toBe("hold");
  });

  it.each([
    [{ metrics: [{ metric: "cpu", minAbsolute: -1 }] }, "metrics[0].minAbsolute: expected a number >= 0 in the metric's unit, got -1"],
    [{ metrics: [{ metric: "cpu", minAbsolut: 1 }] }, "metrics[0].minAbsolut: expected one of the known fields: metric, minAbsolute, minRelative, direction, got 1"],
    [{ metrics: [{ metric: "cpu", direction: "sideways" }] }, 'metrics[0].direction: expected "up", "down" or "both", got "sideways"'],
    [{ maintenance: [{ kind: "weekly", name: "p", days: ["sun"], at: "02:00", durationMinutes: 60, timeZone: "Mars/Base" }] }, 'maintenance[0].timeZone: expected an IANA time zone, e.g. "Europe/Berlin", got "Mars/Base"'],
    [{ maintenance: [{ kind: "weekly", name: "p", days: ["sunday"], at: "02:00", durationMinutes: 60, timeZone: "UTC" }] }, 'maintenance[0].days[0]: expected a list of weekdays (sun, mon, tue, wed, thu, fri, sat), got "sunday"'],
    [{ maintenance: [{ kind: "weekly", name: "p", days: ["sun"], at: "2am", durationMinutes: 60, timeZone: "UTC" }] }, 'maintenance[0].at: expected a local time "HH:MM" (00:00 to 23:59), got "2am"'],
    [{ maintenance: [{ kind: "once", name: "p", start: "2026-12-24 18:00", end: "2026-12-24T20:00:00Z" }] }, "maintenance[0].start: expected an ISO 8601 time with its offset"],
    [{ maintenance: [{ kind: "once", name: "p", start: "2026-12-24T18:00:00Z", end: "2026-12-24T17:00:00Z" }] }, 'maintenance[0].end: expected a time after start, got "2026-12-24T17:00:00Z"'],
    [{ maintenance: [{ name: "p" }] }, 'maintenance[0].kind: expected a window with kind "once" or "weekly"'],
    [{ onDeployment: "ignore" }, 'onDeployment: expected "alert", "tag" or "hold", got "ignore"'],
  ])("names the field and what was expected: %j", (input, message) => {
    expect(() => parseAlertRules(input, "rules.json")).toThrow(`rules.json: ${message}`);
  });

  it("refuses two windows with one name (alerts name the window)", () => {
    const w = { kind: "once", name: "p", start: "2026-12-24T18:00:00Z", end: "2026-12-24T20:00:00Z" };
    expect(() => parseAlertRules({ maintenance: [w, w] }, "rules.json")).toThrow("rules.json: expected maintenance windows with distinct names");
  });
});
