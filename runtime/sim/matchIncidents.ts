import type { IncidentEvent } from "../types";
import type { InjectedIncident } from "./incidentPlan";

export interface TruthMatch {
  readonly truth: InjectedIncident;
  /** The first incident opened inside the truth window (or its grace period), if any. */
  readonly detectedBy?: { readonly incidentId: string; readonly kind: string; readonly openedAt: number };
  /** Minutes from the start of the injected incident to the alert. */
  readonly minutesToDetect?: number;
}

export interface MatchReport {
  readonly matches: readonly TruthMatch[];
  /** Opened incidents that overlap no injected window: false alerts. */
  readonly falseAlerts: readonly { readonly incidentId: string; readonly kind: string; readonly openedAt: number }[];
}

/**
 * Matches the alerts a run produced against the ground truth: an injected incident is detected when an
 * incident was opened at a time within [start, end + graceMs). An opened incident that matches no truth
 * window (nor falls within `graceMs` after one — the tail of a real incident is not a false alarm) is a
 * false alert.
 */
export function matchIncidents(events: readonly IncidentEvent[], truths: readonly InjectedIncident[], graceMs: number): MatchReport {
  const opens = events.filter((e) => e.type === "open").map((e) => ({ incidentId: e.incident.id, kind: e.incident.kind, openedAt: e.at }));
  const used = new Set<string>();
  const matches = truths.map((truth) => {
    const hit = opens.find((o) => !used.has(o.incidentId) && o.openedAt >= truth.start && o.openedAt < truth.end + graceMs);
    if (!hit) return { truth };
    used.add(hit.incidentId);
    return { truth, detectedBy: hit, minutesToDetect: Math.round((hit.openedAt - truth.start) / 60_000) };
  });
  const falseAlerts = opens.filter((o) => !used.has(o.incidentId) && !truths.some((t) => o.openedAt >= t.start && o.openedAt < t.end + graceMs));
  return { matches, falseAlerts };
}
