import { randomUUID } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogLevel } from "@aws-lambda-powertools/logger/types";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Log, RunMetrics } from "../../ports";
import { PowertoolsRunMetrics } from "./PowertoolsRunMetrics";

export interface ObservabilityOptions {
  /** Service name on every log line and the `service` dimension of every metric (e.g. `cad-detect`). */
  readonly serviceName: string;
  /** CloudWatch metrics namespace (e.g. `ContainerAnomalyDetection`). */
  readonly namespace: string;
  /** Default `INFO`. */
  readonly logLevel?: LogLevel;
  /** Extra dimensions on every metric (e.g. `{ stack: "prod" }`); at most 29 besides `service`. */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** What one run logs and measures with; the handler sees only the ports. */
export interface RunContext {
  readonly correlationId: string;
  readonly log: Log;
  readonly metrics: RunMetrics;
}

/** The parts of the Lambda context that go on every log line (function name, version, ARN, memory, request id). */
export interface LambdaContextLike {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
}

/** Where a run's correlation id comes from: the triggering event's id (EventBridge), else the Lambda request id. */
export function correlationIdOf(event: unknown, context?: { readonly awsRequestId?: string }): string {
  const id = (event as { id?: unknown } | null)?.id;
  if (typeof id === "string" && id.length > 0) return id;
  return context?.awsRequestId || randomUUID();
}

/** Keys Powertools' Logger owns (it drops them from attributes with a warning). */
const RESERVED: readonly string[] = ["level", "message", "sampling_rate", "service", "timestamp"];

/**
 * Renames fields that would collide with Powertools' own keys: our `service` (the ECS service) becomes
 * `ecsService` — Powertools' `service` is this Lambda's name — and any other reserved key `k` becomes `field_k`.
 */
export function logAttributes(fields: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(fields).some((k) => RESERVED.includes(k))) return fields;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [RESERVED.includes(k) ? (k === "service" ? "ecsService" : `field_${k}`) : k, v]));
}

/** Adapts Powertools' Logger to the Log port (its signature differs: attributes are variadic). */
function asLog(logger: Logger): Log {
  return {
    debug: (message, fields) => (fields ? logger.debug(message, logAttributes(fields)) : logger.debug(message)),
    info: (message, fields) => (fields ? logger.info(message, logAttributes(fields)) : logger.info(message)),
    warn: (message, fields) => (fields ? logger.warn(message, logAttributes(fields)) : logger.warn(message)),
    error: (message, fields) => (fields ? logger.error(message, logAttributes(fields)) : logger.error(message)),
  };
}

/**
 * Structured JSON logs and CloudWatch EMF metrics with Powertools for AWS Lambda. Build it once per cold start
 * (in a handler factory such as createDetectHandler), then call `beginRun` at the start of every invocation: every log line
 * of that run carries its `correlation_id`, and its metrics carry it as metadata.
 */
export class RunObservability {
  readonly logger: Logger;
  private readonly metrics: Metrics;

  constructor(options: ObservabilityOptions) {
    if (!options.serviceName) throw new Error("RunObservability: serviceName is required");
    if (!options.namespace) throw new Error("RunObservability: namespace is required");
    this.logger = new Logger({ serviceName: options.serviceName, logLevel: options.logLevel ?? "INFO" });
    this.metrics = new Metrics({ serviceName: options.serviceName, namespace: options.namespace, defaultDimensions: { ...options.dimensions } });
  }

  /**
   * Starts a run: sets the correlation id (and, in Lambda, the invocation's context: function, request id,
   * cold start) on the logger and returns the run's Log and RunMetrics.
   */
  beginRun(correlationId: string, lambdaContext?: LambdaContextLike): RunContext {
    this.logger.resetKeys();
    if (lambdaContext) this.logger.addContext(lambdaContext);
    this.logger.setCorrelationId(correlationId);
    return { correlationId, log: asLog(this.logger), metrics: new PowertoolsRunMetrics(this.metrics, correlationId) };
  }
}
