/**
 * An incident alert as a Slack incoming-webhook message (`{text, blocks}`, Block Kit). Pure: no I/O.
 *
 * Mapping: a message per `open` and per `resolve`, and one per `restore` (the task count is back at its baseline:
 * the "actions taken" of the incident end there, which the channel should see); nothing for `update` (an incident
 * updates every few minutes while it lasts: a message each time would drown the channel; PagerDuty carries them).
 * Each message shows the top metrics (actual vs expected), the actions taken, and the incident id in code format
 * so it can be copied into a link, a search or `cad` as it is.
 */
import { describeFeedback } from "../detection/feedback";
import { NAMED_CAUSES } from "../model/detection";
import type { AlertBody } from "../adapters/sns/alertMessage";
import { actionText } from "./pagerDutyEvent";

/** Slack's limits: a header's text, a section's text, a field's text, blocks per message. */
export const SLACK_LIMITS = { headerText: 150, sectionText: 3000, fieldText: 2000, blocks: 50 } as const;

export interface SlackText {
  readonly type: "plain_text" | "mrkdwn";
  readonly text: string;
}
export type SlackBlock =
  | { readonly type: "header"; readonly text: SlackText }
  | { readonly type: "section"; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: "context"; readonly elements: readonly SlackText[] };

export interface SlackMessage {
  /** The notification and fallback text (also what screen readers and mobile notifications show). */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
/** Escapes what Slack's mrkdwn reads as control characters (&, <, >). */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText): SlackText => ({ type: "mrkdwn", text: cut(text, max) });
/** Inline code can hold no backtick: one is replaced by a prime. */
const code = (s: string): string => `\`${escapeMrkdwn(s.replace(/`/g, "′"))}\``;

const TITLE = { open: "OPEN", resolve: "RESOLVED", restore: "RESTORED" } as const;
const ICON = { open: ":rotating_light:", resolve: ":white_check_mark:", restore: ":arrows_counterclockwise:" } as const;

function duration(seconds: number): string {
  const m = Math.round(seconds / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The Slack message for one alert, or undefined when the event type sends none (`update`). */
export function slackMessageOf(body: AlertBody): SlackMessage | undefined {
  if (body.eventType === "update") return undefined;
  const kind = body.eventType;
  const { incident } = body;
  const what = incident.kind === "unknown" ? "anomaly" : incident.kind;
  const headline = `${TITLE[kind]} ${incident.severity} ${incident.service}: ${what} on ${incident.containerCount} container${incident.containerCount === 1 ? "" : "s"}`;
  const when =
    kind === "open"
      ? incident.pulseEnd !== undefined
        ? `${incident.start} → ${incident.pulseEnd} (a pulse, over when found)`
        : `since ${incident.start}`
      : `${incident.start} → ${incident.resolvedAt ?? incident.lastAnomalyAt} (${duration(incident.durationSeconds)})${kind === "restore" ? `, tasks restored at ${body.at}` : ""}`;
  const metrics = incident.topMetrics.slice(0, NAMED_CAUSES).map((m) => `• ${escapeMrkdwn(m.text)} — ${Math.round(m.share * 100)}% of the score`);
  const actions = body.scaling ? escapeMrkdwn(actionText(body.scaling).replace(/ -> /g, " → ")) : "none";
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: cut(`${TITLE[kind]}: ${incident.service} ${what}`, SLACK_LIMITS.headerText) } },
    {
      type: "section",
      fields: [
        mrkdwn(`*Service*\n${escapeMrkdwn(incident.service)}`, SLACK_LIMITS.fieldText),
        mrkdwn(`*Severity*\n${incident.severity} (grade ${incident.peakGrade.toFixed(2)}, confidence ${incident.confidence.toFixed(2)})`, SLACK_LIMITS.fieldText),
        mrkdwn(`*When*\n${escapeMrkdwn(when)}`, SLACK_LIMITS.fieldText),
        mrkdwn(`*Containers*\n${incident.containerCount} (${escapeMrkdwn(incident.containerNames.filter((n) => n !== "").join(", ") || "unnamed")})`, SLACK_LIMITS.fieldText),
      ],
    },
    { type: "section", text: mrkdwn(`*Top metrics (actual vs expected)*\n${metrics.join("\n") || "none recorded"}`) },
    { type: "section", text: mrkdwn(`*Actions taken*\n${actions}`) },
    { type: "context", elements: [mrkdwn(`Incident ${code(incident.id)} · event ${code(body.eventId)}`)] },
    // Feedback from the alert itself: the marks that shaped it, and the command that marks this one.
    ...(body.feedback && body.feedback.length > 0 ? [{ type: "context" as const, elements: [mrkdwn(`Shaped by feedback: ${escapeMrkdwn(describeFeedback(body.feedback))}`)] }] : []),
    ...(body.giveFeedback ? [{ type: "context" as const, elements: [mrkdwn(`Feedback: ${code(body.giveFeedback)}`)] }] : []),
    ...(body.giveFeedbackUrl ? [{ type: "context" as const, elements: [mrkdwn(`Or over HTTPS: ${code(body.giveFeedbackUrl)}`)] }] : []),
  ];
  return { text: cut(`${ICON[kind]} ${headline} — incident ${incident.id}`, 3000), blocks };
}
