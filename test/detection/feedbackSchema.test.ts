import { describe, expect, it } from "vitest";
import { feedbackFor } from "../../runtime/detection/feedback";
import { FEEDBACK_MEMORY_FORMAT, parseFeedbackMemory, parseFeedbackRecord } from "../../runtime/detection/feedbackSchema";
import type { Incident } from "../../runtime/types";
import { anomalyAt, T0 } from "../helpers/anomalies";

const incident: Incident = { id: "checkout:2026-01-06T10:00:00.000Z", service: "checkout", status: "open", kind: "saturation", start: T0, lastAnomalyAt: T0, containers: ["c1"], containerNames: ["app"], anomalyCount: 1, peakScore: 2, peakGrade: 0.5, confidence: 1, threshold: 1.2, topMetrics: anomalyAt("c1", 0, { cpu: 4 }).attribution.slice(0, 1) };
const record = feedbackFor(incident, "false-alarm", T0, "batch job");

describe("feedback schemas", () => {
  it("a record and a memory round-trip through JSON", () => {
    expect(parseFeedbackRecord(JSON.parse(JSON.stringify(record)), "r")).toEqual(record);
    const memory = { format: FEEDBACK_MEMORY_FORMAT, service: "checkout", records: [record] };
    expect(parseFeedbackMemory(JSON.parse(JSON.stringify(memory)), "m")).toEqual(memory);
  });

  it("errors name the field and what was expected", () => {
    expect(() => parseFeedbackRecord({ ...record, verdict: "maybe" }, "body")).toThrow(/body: verdict: one of false-alarm, real, expected, got "maybe"/);
    expect(() => parseFeedbackRecord({ ...record, pattern: { ...record.pattern, metrics: [] } }, "body")).toThrow(/pattern\.metrics: at least one metric/);
    expect(() => parseFeedbackMemory({ format: FEEDBACK_MEMORY_FORMAT, service: "checkout", records: [{ ...record, at: -1 }] }, "feedback/checkout.json")).toThrow(/feedback\/checkout\.json: records\[0\]\.at: epoch milliseconds/);
    expect(() => parseFeedbackMemory({ format: "other", service: "checkout", records: [] }, "f")).toThrow(/format/);
  });
});
