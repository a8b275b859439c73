import { InvokeEndpointCommand, type SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import type { Log, RunMetrics, ScoreResult, Scorer } from "../../ports";
import { isRetryableAwsError } from "../retry/isRetryableAwsError";
import { checkRetryPolicy, retryWithBackoff, systemRetryEnvironment, type RetryEnvironment, type RetryPolicy } from "../retry/retryWithBackoff";
import { encodeRcfBatches, parseRcfScores, type RcfContentType } from "./rcfPayload";
import { CadError } from "../../errors/CadError";
import { errorDescription } from "../../errors/errorMessage";

/**
 * Serverless endpoints accept at most 4 MB per request and per response (real-time endpoints more): stay under
 * it with room for headers, so one default fits both.
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 3_500_000;
export const DEFAULT_MAX_ROWS_PER_BATCH = 10_000;
export const DEFAULT_SCORER_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 5_000, deadlineMs: 60_000 };

export interface SageMakerScorerOptions {
  /**
   * The runtime client. Build it with `maxAttempts: 1` so this scorer alone owns retries and their deadline
   * (the SDK's own retries would multiply the attempts and ignore the deadline).
   */
  readonly client: SageMakerRuntimeClient;
  readonly endpointName: string;
  /** Request format; the response is always requested as application/json. Default application/json. */
  readonly contentType?: RcfContentType;
  /** Upper bound of one request body, bytes. Default {@link DEFAULT_MAX_PAYLOAD_BYTES}. */
  readonly maxPayloadBytes?: number;
  /** Upper bound of rows per request (keeps responses small too). Default {@link DEFAULT_MAX_ROWS_PER_BATCH}. */
  readonly maxRowsPerBatch?: number;
  /** Retry of throttling, 5xx and network errors; `deadlineMs` bounds one whole `score()` call. */
  readonly retry?: Partial<RetryPolicy>;
  /** Time and randomness; inject in tests so nothing sleeps. */
  readonly env?: RetryEnvironment;
  readonly log?: Log;
  /** Receives `scorerLatencyMs` once per `score()` call that reached the endpoint. */
  readonly metrics?: RunMetrics;
}

/** The model container itself rejected the request (SageMaker `ModelError`, HTTP 424): retrying cannot help. */
export class ModelInvocationError extends CadError {
  constructor(
    readonly endpointName: string,
    readonly originalStatusCode: number | undefined,
    readonly logStreamArn: string | undefined,
    detail: string,
    cause: unknown,
  ) {
    const logs = logStreamArn ? `; container logs: ${logStreamArn}` : "";
    super(`SageMaker endpoint "${endpointName}": the model returned ${originalStatusCode ?? "an error"}: ${detail}${logs}`, "ModelInvocationError", { cause });
  }
}

/** The fields of a SageMaker ModelError this scorer reports. */
interface ModelErrorShape {
  readonly name?: string;
  readonly OriginalStatusCode?: number;
  readonly OriginalMessage?: string;
  readonly LogStreamArn?: string;
  readonly message?: string;
}

/** Throttling, 5xx, "model not ready" and network failures are worth retrying; ModelError and 4xx are not. */
export function isRetryableInvokeError(error: unknown): boolean {
  if (typeof error === "object" && error !== null && (error as { name?: unknown }).name === "ModelError") return false;
  return isRetryableAwsError(error);
}

/**
 * Scores vectors with a SageMaker endpoint serving the built-in Random Cut Forest (`InvokeEndpoint`).
 * Splits the input into requests under the payload limit, sends them one after another, retries throttling
 * and server errors with jittered exponential back-off inside one total deadline, and checks that every
 * request got exactly one finite score per row. Never resolves with a partial result.
 */
export class SageMakerScorer implements Scorer {
  private readonly contentType: RcfContentType;
  private readonly maxPayloadBytes: number;
  private readonly maxRowsPerBatch: number;
  private readonly policy: RetryPolicy;
  private readonly env: RetryEnvironment;

  constructor(private readonly options: SageMakerScorerOptions) {
    if (!options.endpointName) throw new Error("SageMakerScorer: endpointName is required");
    this.contentType = options.contentType ?? "application/json";
    if (this.contentType !== "application/json" && this.contentType !== "text/csv") {
      throw new Error(`SageMakerScorer: contentType must be application/json or text/csv, got ${String(this.contentType)}`);
    }
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.maxRowsPerBatch = options.maxRowsPerBatch ?? DEFAULT_MAX_ROWS_PER_BATCH;
    if (!Number.isInteger(this.maxPayloadBytes) || this.maxPayloadBytes < 64) {
      throw new Error(`SageMakerScorer: maxPayloadBytes must be an integer >= 64, got ${this.maxPayloadBytes}`);
    }
    if (!Number.isInteger(this.maxRowsPerBatch) || this.maxRowsPerBatch < 1) {
      throw new Error(`SageMakerScorer: maxRowsPerBatch must be an integer >= 1, got ${this.maxRowsPerBatch}`);
    }
    this.policy = { ...DEFAULT_SCORER_RETRY, ...options.retry };
    checkRetryPolicy(this.policy);
    this.env = options.env ?? systemRetryEnvironment;
  }

  async score(vectors: readonly (readonly number[])[]): Promise<ScoreResult[]> {
    if (vectors.length === 0) return [];
    const batches = encodeRcfBatches(vectors, this.contentType, this.maxPayloadBytes, this.maxRowsPerBatch);
    const started = this.env.now();
    const deadline = started + this.policy.deadlineMs;
    const results: ScoreResult[] = [];
    for (const [index, batch] of batches.entries()) {
      const where = `SageMaker endpoint "${this.options.endpointName}" batch ${index + 1}/${batches.length} (rows ${batch.start}..${batch.start + batch.count - 1})`;
      const remaining = deadline - this.env.now();
      if (remaining <= 0) throw new Error(`${where}: the ${this.policy.deadlineMs} ms scoring deadline passed before it could be sent`);
      const scores = await retryWithBackoff(
        where,
        async (_attempt, remainingMs) => parseRcfScores(await this.invoke(batch.body, remainingMs), batch.count, where),
        isRetryableInvokeError,
        { ...this.policy, deadlineMs: remaining },
        this.env,
        ({ attempt, delayMs, error }) =>
          this.options.log?.warn("scorer request failed, retrying", {
            endpoint: this.options.endpointName,
            batch: index + 1,
            attempt,
            delayMs,
            error: errorDescription(error),
          }),
      );
      for (const score of scores) results.push({ score });
    }
    const latencyMs = this.env.now() - started;
    this.options.metrics?.record("scorerLatencyMs", latencyMs);
    this.options.log?.debug("scored", { endpoint: this.options.endpointName, rows: vectors.length, batches: batches.length, latencyMs });
    return results;
  }

  private async invoke(body: Uint8Array, remainingMs: number): Promise<string> {
    const command = new InvokeEndpointCommand({
      EndpointName: this.options.endpointName,
      ContentType: this.contentType,
      Accept: "application/json",
      Body: body,
    });
    try {
      const out = await this.options.client.send(command, remainingMs > 0 ? { abortSignal: AbortSignal.timeout(remainingMs) } : {});
      if (!out.Body) throw new Error(`SageMaker endpoint "${this.options.endpointName}" returned no body`);
      return new TextDecoder().decode(out.Body);
    } catch (error) {
      const e = error as ModelErrorShape;
      if (e?.name === "ModelError") {
        throw new ModelInvocationError(this.options.endpointName, e.OriginalStatusCode, e.LogStreamArn, e.OriginalMessage ?? e.message ?? "no message", error);
      }
      throw error;
    }
  }
}
