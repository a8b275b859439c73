import { describe, expect, it } from "vitest";
import { escapeMrkdwn, SLACK_LIMITS, slackMessageOf, type SlackMessage } from "../../runtime/notify/slackMessage";
import { alertBody, incidentLifecycle } from "../helpers/alertBodies";
import { incident, openEvent } from "../helpers/incidentEvents";

const textOf = (m: SlackMessage | undefined): string => JSON.stringify(m?.blocks ?? []);

describe("slackMessageOf", () => {
  const events = incidentLifecycle();
  const id = events.open.incident.id;

  it("open: a message with the top metrics (actual vs expected), the actions taken and the incident id as code", () => {
    const message = slackMessageOf(alertBody(events.open));
    expect(message?.text).toBe(`:rotating_light: OPEN critical checkout: saturation on 2 containers — incident ${id}`);
    expect(message?.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "OPEN: checkout saturation" } });
    const blocks = textOf(message);
    expect(blocks).toContain("container.cpu.utilization 97.2 %, expected 41.5 % (+9.3 sd) — 71% of the score");
    expect(blocks).toContain("*Actions taken*\\nscale-out 2 → 4 tasks: saturation: cpu above capacity");
    expect(blocks).toContain(`Incident \`${id}\` · event \`${id}#1\``);
  });

  it("says which feedback shaped the alert and how to give feedback from the message itself", () => {
    const feedback = [{ incidentId: "checkout:earlier", verdict: "real" as const, effect: "protected" as const }];
    const blocks = textOf(slackMessageOf(alertBody({ ...events.open, feedback })));
    expect(blocks).toContain("Shaped by feedback: real on checkout:earlier (protected)");
    expect(blocks).toContain(`Feedback: \`cad feedback --incident '${id}' --verdict false-alarm|real|expected\``);
    expect(blocks).not.toContain("Or over HTTPS");
    const url = "awscurl --service lambda --region eu-west-1 -X POST -d '{}' https://abc.lambda-url.eu-west-1.on.aws/";
    expect(textOf(slackMessageOf({ ...alertBody(events.open), giveFeedbackUrl: url }))).toContain(`Or over HTTPS: \`${url}\``);
  });

  it("open, for an incident a pulse's end opened: when it began and when its metrics came back", () => {
    const pulse = { ...events.open, incident: { ...events.open.incident, pulseEnd: events.open.incident.start + 8 * 60_000 } };
    expect(textOf(slackMessageOf(alertBody(pulse)))).toContain("*When*\\n2026-11-25T00:40:00.000Z → 2026-11-25T00:48:00.000Z (a pulse, over when found)");
    expect(textOf(slackMessageOf(alertBody(events.open)))).toContain("*When*\\nsince 2026-11-25T00:40:00.000Z");
  });

  it("resolve: a message with the incident's span; restore: one with the tasks restored; update: none", () => {
    const resolve = slackMessageOf(alertBody(events.resolve));
    expect(resolve?.text).toMatch(/^:white_check_mark: RESOLVED critical checkout/);
    expect(textOf(resolve)).toMatch(/2026-11-25T00:40:00.000Z → 2026-11-25T01:15:00.000Z \(35 min\)/);
    expect(textOf(resolve)).toContain("*Actions taken*\\nnone");
    const restore = slackMessageOf(alertBody(events.restore));
    expect(restore?.text).toMatch(/^:arrows_counterclockwise: RESTORED critical checkout/);
    expect(textOf(restore)).toContain("restore 4 → 2 tasks: incident resolved, back to baseline");
    expect(slackMessageOf(alertBody(events.update))).toBeUndefined();
  });

  it("escapes Slack's control characters and keeps within its block limits", () => {
    const long = "svc<&>".repeat(60);
    const message = slackMessageOf(alertBody(openEvent({ incident: incident({ id: `${long}:1`, service: long }) })));
    const header = message?.blocks[0];
    expect(header?.type === "header" && header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(textOf(message)).toContain("svc&lt;&amp;&gt;");
    expect(escapeMrkdwn("<a&b>")).toBe("&lt;a&amp;b&gt;");
  });
});
