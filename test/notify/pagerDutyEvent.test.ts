import { describe, expect, it } from "vitest";
import { parseAlertBody } from "../../runtime/notify/alertBodySchema";
import { PAGERDUTY_SUMMARY_MAX, pagerDutyEventOf, pagerDutySeverity } from "../../runtime/notify/pagerDutyEvent";
import { alertBody, alertText, incidentLifecycle } from "../helpers/alertBodies";
import { incident, openEvent } from "../helpers/incidentEvents";

describe("pagerDutyEventOf", () => {
  const events = incidentLifecycle();
  const id = events.open.incident.id;

  it("open → trigger with the incident id as dedup_key and the alert's details", () => {
    const event = pagerDutyEventOf(alertBody(events.open));
    expect(event).toMatchObject({
      event_action: "trigger",
      dedup_key: id,
      payload: { source: "checkout", severity: "critical", timestamp: new Date(events.open.at).toISOString(), component: "web", group: "checkout", class: "saturation" },
    });
    if (event?.event_action !== "trigger") throw new Error("expected a trigger");
    expect(event.payload.summary).toMatch(/^\[CAD\] critical checkout: saturation on 2 containers/);
    expect(event.payload.custom_details).toMatchObject({ incidentId: id, eventId: `${id}#1`, eventType: "open", actions: "scale-out 2 -> 4 tasks: saturation: cpu above capacity" });
    // Actual vs expected of each top metric, as the alert words it.
    expect((event.payload.custom_details.topMetrics as string[])[0]).toContain("97.2");
    expect((event.payload.custom_details.topMetrics as string[])[0]).toContain("41.5");
  });

  it("update → trigger with the same dedup_key; resolve → resolve with it; restore → nothing", () => {
    const update = pagerDutyEventOf(alertBody(events.update));
    expect(update).toMatchObject({ event_action: "trigger", dedup_key: id, payload: { severity: "critical" } });
    expect(pagerDutyEventOf(alertBody(events.resolve))).toEqual({ event_action: "resolve", dedup_key: id });
    expect(pagerDutyEventOf(alertBody(events.restore))).toBeUndefined();
  });

  it("maps every severity and cuts the summary to PagerDuty's 1024 characters", () => {
    expect(["critical", "high", "medium", "low"].map((s) => pagerDutySeverity(s as "critical"))).toEqual(["critical", "error", "warning", "info"]);
    const low = pagerDutyEventOf(alertBody(openEvent({ incident: incident({ peakGrade: 0.1 }) })));
    expect(low).toMatchObject({ payload: { severity: "info" } });
    const long = alertBody(openEvent());
    const event = pagerDutyEventOf({ ...long, summary: "x".repeat(5000) });
    if (event?.event_action !== "trigger") throw new Error("expected a trigger");
    expect(event.payload.summary).toHaveLength(PAGERDUTY_SUMMARY_MAX);
    expect(event.payload.summary.endsWith("...")).toBe(true);
  });

  it("refuses an incident id longer than PagerDuty's 255-character dedup_key", () => {
    const body = alertBody(openEvent());
    expect(() => pagerDutyEventOf({ ...body, incident: { ...body.incident, id: "x".repeat(256) } })).toThrow(/dedup_key takes at most 255/);
  });
});

describe("parseAlertBody", () => {
  it("reads every event type the topic carries", () => {
    for (const event of Object.values(incidentLifecycle())) expect(parseAlertBody(alertText(event), "m").eventType).toBe(event.type);
  });

  it("names the bad field of a malformed alert", () => {
    const body = JSON.parse(alertText(openEvent())) as Record<string, unknown>;
    expect(() => parseAlertBody(JSON.stringify({ ...body, eventType: "reopen" }), "alert message m-1")).toThrow(/alert message m-1: eventType/);
    expect(() => parseAlertBody(JSON.stringify({ ...body, schema: "cad.incident-event/2" }), "m")).toThrow(/schema/);
    expect(() => parseAlertBody("not json", "m")).toThrow(/not valid JSON/);
  });
});
