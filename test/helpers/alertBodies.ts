/**
 * Incident alerts as the topic's subscribers receive them (buildAlertMessage of real IncidentEvents), and Lambda's SQS
 * event carrying them: the notifier tests' inputs.
 */
import { buildAlertMessage, type AlertBody } from "../../runtime/adapters/sns/alertMessage";
import type { IncidentEvent } from "../../runtime/types";
import { incident, openEvent, T_START } from "./incidentEvents";

const MIN = 60_000;

/** The four events of one incident of `checkout`, in order: open (scaled 2 -> 4), update, resolve, restore (4 -> 2). */
export function incidentLifecycle(): Record<IncidentEvent["type"], IncidentEvent> {
  const open = openEvent();
  const id = open.incident.id;
  const update: IncidentEvent = { id: `${id}#2`, type: "update", incident: incident({ lastAnomalyAt: T_START + 20 * MIN, anomalyCount: 15, peakGrade: 0.9 }), at: T_START + 20 * MIN };
  const resolved = incident({ status: "resolved", lastAnomalyAt: T_START + 20 * MIN, resolvedAt: T_START + 35 * MIN, anomalyCount: 15, peakGrade: 0.9 });
  const resolve: IncidentEvent = { id: `${id}#3`, type: "resolve", incident: resolved, at: T_START + 35 * MIN };
  const restore: IncidentEvent = {
    id: `${id}#4`,
    type: "restore",
    incident: resolved,
    scaling: { service: "checkout", action: "restore", fromTasks: 4, toTasks: 2, reason: "incident resolved, back to baseline", incidentId: id, applied: true },
    at: T_START + 50 * MIN,
  };
  return { open, update, resolve, restore };
}

/** The SNS message body of an event, as text and parsed. */
export function alertText(event: IncidentEvent): string {
  return buildAlertMessage(event).body;
}

export function alertBody(event: IncidentEvent): AlertBody {
  return JSON.parse(alertText(event)) as AlertBody;
}

/** Lambda's SQS event with one record per body (raw delivery), `receives` = ApproximateReceiveCount. */
export function sqsEventOf(bodies: readonly string[], receives = 1, idPrefix = "m"): { Records: Record<string, unknown>[] } {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `${idPrefix}-${i}`,
      receiptHandle: `receipt-${idPrefix}-${i}`,
      body,
      attributes: { ApproximateReceiveCount: String(receives), SentTimestamp: "1764034500000" },
      messageAttributes: {},
      md5OfBody: "x",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:cad-dev-notify-pagerduty",
      awsRegion: "eu-west-1",
    })),
  };
}
