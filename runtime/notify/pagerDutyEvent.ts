/**
 * An incident alert as a PagerDuty Events API v2 alert event (`POST /v2/enqueue`). Pure: no I/O, no routing key
 * (the adapter adds it, read from Vault at run time).
 *
 * Mapping, one PagerDuty alert per incident (`dedup_key` = the incident id):
 * - `open`    → `trigger`: PagerDuty opens an alert (and an incident, per the service's rules) and pages.
 * - `update`  → `trigger` with the same `dedup_key`: PagerDuty adds it to the open alert's log (no new page) and
 *               updates its details (severity, summary, top metrics).
 * - `resolve` → `resolve`: the alert (and its incident, when it is the only alert) resolves.
 * - `restore` → nothing: it follows the resolve (the task count is back at its baseline); the PagerDuty alert is
 *               already resolved, and a resolve again would be a no-op while a trigger would re-open it. The
 *               restore still reaches the topic's other subscribers and Slack.
 */
import type { AlertBody, Severity } from "../adapters/sns/alertMessage";

/** PagerDuty's limit on `payload.summary`, characters. */
export const PAGERDUTY_SUMMARY_MAX = 1024;
/** PagerDuty's limit on `dedup_key`, characters. */
export const PAGERDUTY_DEDUP_KEY_MAX = 255;

export type PagerDutySeverity = "critical" | "error" | "warning" | "info";

/** The body PagerDuty's Events API v2 takes, without `routing_key`. */
export type PagerDutyEvent =
  | {
      readonly event_action: "trigger";
      readonly dedup_key: string;
      readonly payload: {
        readonly summary: string;
        readonly source: string;
        readonly severity: PagerDutySeverity;
        /** ISO 8601. */
        readonly timestamp: string;
        readonly component: string;
        readonly group: string;
        readonly class: string;
        readonly custom_details: Readonly<Record<string, unknown>>;
      };
      readonly client: string;
    }
  | { readonly event_action: "resolve"; readonly dedup_key: string };

/** Our four severities on PagerDuty's four: critical → critical, high → error, medium → warning, low → info. */
export function pagerDutySeverity(severity: Severity): PagerDutySeverity {
  return ({ critical: "critical", high: "error", medium: "warning", low: "info" } as const)[severity];
}

const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 3)}...`);

/**
 * The PagerDuty event for one alert, or undefined when the event type sends nothing (`restore`).
 * Throws when the incident id cannot be a dedup key (longer than 255 characters): no retry can fix that.
 */
export function pagerDutyEventOf(body: AlertBody): PagerDutyEvent | undefined {
  const { incident } = body;
  if (incident.id.length > PAGERDUTY_DEDUP_KEY_MAX) {
    throw new Error(`incident id is ${incident.id.length} characters: PagerDuty's dedup_key takes at most ${PAGERDUTY_DEDUP_KEY_MAX}`);
  }
  const dedupKey = incident.id;
  switch (body.eventType) {
    case "restore":
      return undefined;
    case "resolve":
      return { event_action: "resolve", dedup_key: dedupKey };
    case "open":
    case "update":
      return {
        event_action: "trigger",
        dedup_key: dedupKey,
        client: "container-anomaly-detection",
        payload: {
          summary: cut(`[CAD] ${body.summary}`, PAGERDUTY_SUMMARY_MAX),
          source: incident.service,
          severity: pagerDutySeverity(incident.severity),
          timestamp: body.at,
          component: incident.containerNames.filter((n) => n !== "").join(",") || incident.service,
          group: incident.service,
          class: incident.kind,
          custom_details: {
            incidentId: incident.id,
            eventId: body.eventId,
            eventType: body.eventType,
            since: incident.start,
            ...(incident.pulseEnd !== undefined ? { pulseEnd: incident.pulseEnd } : {}),
            lastAnomalyAt: incident.lastAnomalyAt,
            containers: incident.containerCount,
            peakGrade: incident.peakGrade,
            confidence: incident.confidence,
            // What the detector saw vs expected, per top metric.
            topMetrics: incident.topMetrics.slice(0, 5).map((m) => m.text),
            actions: body.scaling ? actionText(body.scaling) : "none",
          },
        },
      };
  }
}

/** The scaling action of an alert in words. */
export function actionText(scaling: NonNullable<AlertBody["scaling"]>): string {
  if (scaling.action === "none") return `no scaling: ${scaling.reason}`;
  if (!scaling.applied) return `${scaling.action} ${scaling.fromTasks} -> ${scaling.toTasks} tasks FAILED: ${scaling.error ?? scaling.reason}`;
  return `${scaling.action} ${scaling.fromTasks} -> ${scaling.toTasks} tasks: ${scaling.reason}`;
}
