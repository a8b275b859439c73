import * as v from "valibot";

/** Schemas of the incident vocabulary (runtime/types.ts) as it is persisted: detector state, outbox, tracker. */
const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const roles = ["cpu", "memory", "network-rx", "network-tx", "restarts", "throttling", "latency", "other"] as const;
const kinds = ["saturation", "memory-leak", "crash-loop", "cpu-throttling", "network", "unknown"] as const;

export const metricAttributionSchema = v.object({
  metric: v.string(),
  role: v.picklist(roles),
  unit: v.optional(v.string()),
  share: finite,
  value: finite,
  expected: finite,
  deviation: finite,
});

export const anomalySchema = v.object({
  service: v.string(),
  container: v.string(),
  containerName: v.string(),
  timestamp: finite,
  score: finite,
  threshold: finite,
  grade: finite,
  confidence: finite,
  likelihood: finite,
  alert: v.boolean(),
  recurrence: v.optional(v.boolean()),
  pulse: v.optional(count),
  pulseStart: v.optional(finite),
  attribution: v.array(metricAttributionSchema),
});

export const incidentSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  service: v.string(),
  status: v.picklist(["open", "resolved"]),
  kind: v.picklist(kinds),
  start: finite,
  pulseEnd: v.optional(finite),
  lastAnomalyAt: finite,
  resolvedAt: v.optional(finite),
  containers: v.array(v.string()),
  containerNames: v.array(v.string()),
  anomalyCount: count,
  peakScore: finite,
  peakGrade: finite,
  confidence: finite,
  threshold: finite,
  topMetrics: v.array(metricAttributionSchema),
});

const evidenceSchema = v.object({ role: v.picklist(roles), unit: v.optional(v.string()), share: finite, extremeZ: finite, extremeValue: finite, expected: finite });

export const trackerStateSchema = v.object({
  recent: v.array(v.object({ timestamp: finite, anomalies: v.array(anomalySchema) })),
  open: v.optional(
    v.object({
      incident: incidentSchema,
      evidence: v.record(v.string(), evidenceSchema),
      quietSteps: count,
      lastEventAt: finite,
      lastEventKind: v.picklist(kinds),
      lastEventContainers: count,
      lastEventGrade: finite,
    }),
  ),
  lastResolved: v.optional(incidentSchema),
  held: v.optional(v.record(v.string(), finite)),
});

export const scalingStateSchema = v.object({ baselineTasks: v.optional(count), lastActionAt: v.optional(finite) });
