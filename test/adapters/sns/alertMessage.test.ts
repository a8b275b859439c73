import { describe, expect, it } from "vitest";
import { buildAlertMessage, feedbackUrlCommand, functionUrlRegion, severityOf, SNS_MAX_BYTES, toSubject, type AlertBody } from "../../../runtime/adapters/sns/alertMessage";
import { parseAlertBody } from "../../../runtime/notify/alertBodySchema";
import { incident, openEvent, T_START } from "../../helpers/incidentEvents";

const total = (m: ReturnType<typeof buildAlertMessage>): number =>
  Buffer.byteLength(m.body) + Buffer.byteLength(m.subject) + Object.entries(m.attributes).reduce((s, [k, v]) => s + Buffer.byteLength(k) + 6 + Buffer.byteLength(v), 0);

describe("buildAlertMessage", () => {
  it("an event an alert rule changed says which, in the body, the summary and a filter attribute; without one, none of them", () => {
    const m = buildAlertMessage({ ...openEvent(), rules: ["maintenance:db-patch", "deployment"] });
    const body = JSON.parse(m.body) as AlertBody;
    expect(body.rules).toEqual(["maintenance:db-patch", "deployment"]);
    expect(body.summary).toMatch(/ Alert rules applied: maintenance:db-patch, deployment\.$/);
    expect(m.attributes.rules).toBe("maintenance:db-patch,deployment");
    const plain = buildAlertMessage(openEvent());
    expect((JSON.parse(plain.body) as AlertBody).rules).toBeUndefined();
    expect(plain.attributes.rules).toBeUndefined();
  });

  it("an event feedback shaped says which mark and how (body, summary, filter attribute); every alert carries the command that marks it", () => {
    const feedback = [{ incidentId: "checkout:2026-11-20T10:00:00.000Z", verdict: "false-alarm" as const, effect: "larger" as const }];
    const m = buildAlertMessage({ ...openEvent(), feedback }, SNS_MAX_BYTES, { storeOptions: "--bucket cad-state" });
    const body = JSON.parse(m.body) as AlertBody;
    expect(body.feedback).toEqual(feedback);
    expect(body.summary).toMatch(/ Feedback applied: false-alarm on checkout:2026-11-20T10:00:00.000Z \(larger\)\.$/);
    expect(m.attributes.feedback).toBe("false-alarm:larger");
    expect(body.giveFeedback).toBe(`cad feedback --incident 'checkout:${T_START}' --verdict false-alarm|real|expected --bucket cad-state`);
    const plain = JSON.parse(buildAlertMessage(openEvent()).body) as AlertBody;
    expect(plain.feedback).toBeUndefined();
    expect(plain.giveFeedback).toBe(`cad feedback --incident 'checkout:${T_START}' --verdict false-alarm|real|expected`);
    expect(plain.giveFeedbackUrl).toBeUndefined();
  });

  it("with the feedback action deployed, the alert also carries the signed POST to its function URL, in the URL's region", () => {
    const url = "https://abcdefghij0123456789klmnopqrstuv.lambda-url.eu-west-1.on.aws/";
    const body = JSON.parse(buildAlertMessage(openEvent(), SNS_MAX_BYTES, { storeOptions: "--bucket cad-state", url }).body) as AlertBody;
    expect(body.giveFeedbackUrl).toBe(`awscurl --service lambda --region eu-west-1 -X POST -d '{"incidentId":"checkout:${T_START}","verdict":"false-alarm|real|expected"}' ${url}`);
    expect(body.giveFeedback).toBe(`cad feedback --incident 'checkout:${T_START}' --verdict false-alarm|real|expected --bucket cad-state`);
    expect(functionUrlRegion("https://x.lambda-url.us-gov-west-1.on.aws")).toBe("us-gov-west-1");
    expect(functionUrlRegion("https://example.com/feedback")).toBeUndefined();
    // An id with a quote stays one shell word; the JSON inside it stays valid.
    expect(feedbackUrlCommand("svc:it's", "https://example.com/f")).toBe(`awscurl --service lambda -X POST -d '{"incidentId":"svc:it'\\''s","verdict":"false-alarm|real|expected"}' https://example.com/f`);
  });

  it("an event a service calendar shaped says so in the body and the summary; without one, neither does", () => {
    const body = JSON.parse(buildAlertMessage({ ...openEvent(), calendar: { level: 0.3, holiday: "Christmas" } }).body) as AlertBody;
    expect(body.calendar).toEqual({ level: 0.3, holiday: "Christmas" });
    expect(body.summary).toMatch(/ Calendar: expected traffic at 30 % of a normal hour \(holiday Christmas\)\.$/);
    const plain = JSON.parse(buildAlertMessage(openEvent()).body) as AlertBody;
    expect(plain.calendar).toBeUndefined();
    expect(plain.summary).not.toContain("Calendar");
  });

  it("an incident a pulse's end opened says when the metrics came back and that the values shown are the pulse's", () => {
    const pulse = incident({ pulseEnd: T_START + 8 * 60_000 });
    const text = buildAlertMessage(openEvent({ incident: pulse })).body;
    const body = JSON.parse(text) as AlertBody;
    expect(body.incident.pulseEnd).toBe(new Date(T_START + 8 * 60_000).toISOString());
    // The notifiers' schema reads it, and refuses a pulse end that is not a time.
    expect(parseAlertBody(text, "alert").incident.pulseEnd).toBe(body.incident.pulseEnd);
    expect(() => parseAlertBody(JSON.stringify({ ...body, incident: { ...body.incident, pulseEnd: "soon" } }), "alert")).toThrow(/pulseEnd/);
    expect(body.incident.start).toBe(new Date(T_START).toISOString());
    expect(body.summary).toContain(` A pulse: the metrics came back at ${new Date(T_START + 8 * 60_000).toISOString()}; the values shown are the pulse's.`);
    const plain = JSON.parse(buildAlertMessage(openEvent()).body) as AlertBody;
    expect(plain.incident.pulseEnd).toBeUndefined();
    expect(plain.summary).not.toContain("pulse");
  });

  it("says what happened: subject for people, JSON body with values vs expected and the scaling action, filter attributes", () => {
    const m = buildAlertMessage(openEvent());
    expect(m.subject).toBe("[CAD] OPEN critical checkout: saturation on 2 containers (grade 0.82), scaled 2->4");
    expect(m.attributes).toEqual({ eventId: `checkout:${T_START}#1`, eventType: "open", service: "checkout", severity: "critical", kind: "saturation" });
    const body = JSON.parse(m.body) as AlertBody;
    expect(body).toMatchObject({
      schema: "cad.incident-event/3",
      eventId: `checkout:${T_START}#1`,
      eventType: "open",
      at: "2026-11-25T00:52:05.000Z",
      incident: {
        id: `checkout:${T_START}`,
        service: "checkout",
        severity: "critical",
        start: "2026-11-25T00:40:00.000Z",
        durationSeconds: 720,
        containerCount: 2,
        containers: ["task-a1/web", "task-b2/web"],
        containerNames: ["web"],
        peakScore: 2.4137,
        threshold: 1.2,
        peakGrade: 0.82,
        confidence: 0.9,
      },
      scaling: { action: "scale-out", fromTasks: 2, toTasks: 4, applied: true, reason: "saturation: cpu above capacity" },
    });
    expect(body.incident.topMetrics[0]).toEqual({ metric: "container.cpu.utilization", role: "cpu", unit: "%", share: 0.71, value: 97.2, expected: 41.5, deviation: 9.3, text: "container.cpu.utilization 97.2 %, expected 41.5 % (+9.3 sd)" });
    expect(body.summary).toBe(
      "critical checkout: saturation on 2 containers (grade 0.82, confidence 0.9), since 2026-11-25T00:40:00.000Z. Top metrics: container.cpu.utilization 97.2 %, expected 41.5 % (+9.3 sd) [71% of the score]; container.network.io.usage.rx_bytes 8.1 M bytes/s, expected 2.2 M bytes/s (+4.1 sd) [20% of the score]; container.memory.percent 55 %, expected 52 % (+0.6 sd) [9% of the score]. Scaling scale-out 2 -> 4 tasks: saturation: cpu above capacity.",
    );
    expect(body.truncated).toBeUndefined();
  });

  it("says so when scaling failed (the alert still goes out)", () => {
    const event = openEvent({ scaling: { service: "checkout", action: "scale-out", fromTasks: 2, toTasks: 4, reason: "saturation", applied: false, error: "UpdateService: AccessDenied" } });
    const m = buildAlertMessage(event);
    expect(m.subject).toMatch(/, scaling FAILED$/);
    expect((JSON.parse(m.body) as AlertBody).scaling).toEqual({ action: "scale-out", fromTasks: 2, toTasks: 4, applied: false, reason: "saturation", error: "UpdateService: AccessDenied" });
    expect((JSON.parse(m.body) as AlertBody).summary).toMatch(/Scaling scale-out FAILED: UpdateService: AccessDenied\.$/);
  });

  it("words a restore as its own event: the incident resolved, the tasks back at the baseline", () => {
    const event = openEvent({
      id: `checkout:${T_START}#4`,
      type: "restore",
      at: T_START + 45 * 60_000,
      incident: incident({ status: "resolved", resolvedAt: T_START + 30 * 60_000 }),
      scaling: { service: "checkout", action: "restore", fromTasks: 4, toTasks: 2, reason: "incident resolved: back to the baseline of 2 tasks", applied: true },
    });
    const m = buildAlertMessage(event);
    expect(m.subject).toBe("[CAD] RESTORED critical checkout: saturation on 2 containers (grade 0.82), scaled 4->2");
    expect(m.attributes).toMatchObject({ eventId: `checkout:${T_START}#4`, eventType: "restore" });
    const body = JSON.parse(m.body) as AlertBody;
    expect(body).toMatchObject({ eventType: "restore", incident: { status: "resolved", resolvedAt: "2026-11-25T01:10:00.000Z" }, scaling: { action: "restore", fromTasks: 4, toTasks: 2, applied: true } });
    expect(body.summary).toMatch(/resolved at 2026-11-25T01:10:00\.000Z, tasks restored at 2026-11-25T01:25:00\.000Z\..* Scaling restore 4 -> 2 tasks: incident resolved: back to the baseline of 2 tasks\.$/);
  });

  it("words a resolve and a memory leak without scaling", () => {
    const event = openEvent({
      type: "resolve",
      incident: incident({ status: "resolved", kind: "memory-leak", resolvedAt: T_START + 30 * 60_000, peakGrade: 0.3, containers: ["a"] }),
      scaling: { service: "checkout", action: "none", fromTasks: 2, toTasks: 2, reason: "memory-leak: more tasks would not help", applied: false },
    });
    const m = buildAlertMessage(event);
    expect(m.subject).toBe("[CAD] RESOLVED medium checkout: memory-leak on 1 container (grade 0.3)");
    const body = JSON.parse(m.body) as AlertBody;
    expect(body.incident).toMatchObject({ resolvedAt: "2026-11-25T01:10:00.000Z", durationSeconds: 1800, severity: "medium" });
    expect(body.summary).toMatch(/resolved at 2026-11-25T01:10:00.000Z\..* No scaling: memory-leak: more tasks would not help\.$/);
  });

  it("keeps the subject within SNS rules: fewer than 100 printable ASCII characters on one line", () => {
    const m = buildAlertMessage(openEvent({ incident: incident({ service: `checkout-é\n${"x".repeat(200)}` }) }));
    expect(m.subject.length).toBe(99);
    expect(m.subject).toMatch(/^[\x20-\x7e]+\.\.\.$/);
    expect(toSubject("a\u0000b\r\nc")).toBe("a?b c");
  });

  it("stays under 256 KB for a huge incident, keeping the top metrics and saying what it left out", () => {
    const containers = Array.from({ length: 40_000 }, (_, i) => `arn:aws:ecs:eu-west-1:123456789012:task/prod/${i.toString(16).padStart(32, "0")}`);
    const m = buildAlertMessage(openEvent({ incident: incident({ containers }) }));
    expect(total(m)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(total(m)).toBeGreaterThan(SNS_MAX_BYTES - 200); // it fills the room rather than dropping everything
    const body = JSON.parse(m.body) as AlertBody;
    expect(body.incident.containerCount).toBe(40_000);
    expect(body.incident.topMetrics).toHaveLength(3);
    expect(body.truncated?.containers).toEqual({ shown: body.incident.containers.length, total: 40_000 });
    expect(body.incident.containers).toEqual(containers.slice(0, body.incident.containers.length));
  });

  it("cuts over-long strings when even empty lists do not fit", () => {
    const m = buildAlertMessage(openEvent({ scaling: { service: "checkout", action: "scale-out", fromTasks: 1, toTasks: 2, reason: "r".repeat(300_000), applied: true } }));
    expect(total(m)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect((JSON.parse(m.body) as AlertBody).scaling?.reason).toMatch(/^r{1000}\.\.\. \(299000 more characters\)$/);
  });

  it("maps grade to severity", () => {
    expect([0, 0.25, 0.5, 0.75, 1].map(severityOf)).toEqual(["low", "medium", "high", "critical", "critical"]);
  });
});
