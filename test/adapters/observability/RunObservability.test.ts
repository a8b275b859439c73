import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { correlationIdOf, logAttributes, RunObservability } from "../../../runtime/adapters/observability/RunObservability";

/** Everything written to stdout and stderr (Powertools sends WARN/ERROR there), one line each. */
let lines: string[];
beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});
const json = (): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

describe("RunObservability", () => {
  it("logs structured JSON with the run's correlation id, and a new id per run", () => {
    const obs = new RunObservability({ serviceName: "cad-detect", namespace: "ContainerAnomalyDetection" });
    const run1 = obs.beginRun("evt-1");
    run1.log.info("scored", { rows: 600 });
    run1.log.debug("hidden at INFO");
    const run2 = obs.beginRun("evt-2");
    run2.log.warn("scaling refused", { service: "checkout", why: "cooldown" });
    const [a, b] = json();
    expect(lines).toHaveLength(2);
    expect(a).toMatchObject({ level: "INFO", message: "scored", service: "cad-detect", correlation_id: "evt-1", rows: 600 });
    // Our `service` (the ECS service) must not be dropped as Powertools' reserved key: it becomes ecsService.
    expect(b).toMatchObject({ level: "WARN", message: "scaling refused", correlation_id: "evt-2", service: "cad-detect", ecsService: "checkout", why: "cooldown" });
  });

  it("adds the Lambda context to every log line of the run", () => {
    const obs = new RunObservability({ serviceName: "cad-detect", namespace: "ContainerAnomalyDetection" });
    const context = { functionName: "cad-detect-prod", functionVersion: "$LATEST", invokedFunctionArn: "arn:aws:lambda:eu-west-1:1:function:cad-detect-prod", memoryLimitInMB: "1024", awsRequestId: "req-7" };
    obs.beginRun(correlationIdOf({}, context), context).log.info("run started");
    expect(json()[0]).toMatchObject({ correlation_id: "req-7", function_name: "cad-detect-prod", function_request_id: "req-7", function_memory_size: "1024", cold_start: expect.any(Boolean) });
  });

  it("publishes the run's metrics as one CloudWatch EMF line: counters summed, latencies kept, correlation id as metadata", () => {
    const obs = new RunObservability({ serviceName: "cad-detect", namespace: "ContainerAnomalyDetection", dimensions: { stack: "prod" } });
    const { metrics } = obs.beginRun("evt-9");
    metrics.record("rowsProcessed", 500);
    metrics.record("rowsProcessed", 100);
    metrics.record("anomalies", 3);
    metrics.record("alertsSent", 1);
    metrics.record("scorerLatencyMs", 120);
    metrics.record("scorerLatencyMs", 80);
    metrics.flush();
    const emf = json() as unknown as Emf[];
    expect(emf).toHaveLength(1);
    const directive = emf[0]._aws.CloudWatchMetrics[0];
    expect(directive.Namespace).toBe("ContainerAnomalyDetection");
    expect(directive.Dimensions[0].sort()).toEqual(["service", "stack"]);
    expect(Object.fromEntries(directive.Metrics.map((m) => [m.Name, m.Unit]))).toEqual({
      rowsProcessed: "Count",
      anomalies: "Count",
      alertsSent: "Count",
      scorerLatencyMs: "Milliseconds",
    });
    expect(emf[0]).toMatchObject({ service: "cad-detect", stack: "prod", rowsProcessed: 600, anomalies: 3, alertsSent: 1, scorerLatencyMs: [120, 80], correlationId: "evt-9" });
    metrics.flush(); // nothing new: nothing written
    expect(lines).toHaveLength(1);
  });

  it("publishes model-health gauges per ECS service with an ecsService dimension, beside the default ones", () => {
    const obs = new RunObservability({ serviceName: "cad-detect", namespace: "ContainerAnomalyDetection", dimensions: { environment: "prod" } });
    const { metrics } = obs.beginRun("evt-10");
    metrics.recordServiceGauge("checkout", "AnomalyRate", 0.25);
    metrics.recordServiceGauge("catalog", "ScoreP99", 1.4);
    metrics.flush();
    const emf = json() as unknown as Emf[];
    expect(emf).toHaveLength(2);
    expect(emf[0]._aws.CloudWatchMetrics[0].Dimensions[0].sort()).toEqual(["ecsService", "environment", "service"]);
    expect(emf[0]._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: "AnomalyRate", Unit: "None" }]);
    expect(emf[0]).toMatchObject({ service: "cad-detect", environment: "prod", ecsService: "checkout", AnomalyRate: 0.25, correlationId: "evt-10" });
    expect(emf[1]).toMatchObject({ ecsService: "catalog", ScoreP99: 1.4 });
    metrics.flush();
    expect(lines).toHaveLength(2);
  });

  it("refuses a negative or non-finite metric value", () => {
    const { metrics } = new RunObservability({ serviceName: "s", namespace: "n" }).beginRun("x");
    expect(() => metrics.record("anomalies", -1)).toThrow("run metric anomalies: value must be a finite number >= 0, got -1");
    expect(() => metrics.record("scorerLatencyMs", Number.NaN)).toThrow(/scorerLatencyMs/);
  });
});

describe("correlationIdOf", () => {
  it("takes the EventBridge event id, else the Lambda request id, else a fresh UUID", () => {
    expect(correlationIdOf({ id: "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "Scheduled Event" }, { awsRequestId: "req-1" })).toBe("7bf73129-1428-4cd3-a780-95db273d1602");
    expect(correlationIdOf({}, { awsRequestId: "req-1" })).toBe("req-1");
    expect(correlationIdOf(null)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("logAttributes", () => {
  it("renames keys Powertools reserves, leaving the rest as they are", () => {
    expect(logAttributes({ service: "checkout", level: 3, timestamp: 1, rows: 2 })).toEqual({ ecsService: "checkout", field_level: 3, field_timestamp: 1, rows: 2 });
    const plain = { rows: 2 };
    expect(logAttributes(plain)).toBe(plain);
  });
});
