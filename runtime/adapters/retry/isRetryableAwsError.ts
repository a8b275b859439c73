/**
 * Which AWS SDK failures are worth retrying with back-off: throttling, server errors, "not ready" and network
 * failures. Shared by the adapters that own their retries (SageMaker scoring, the ECS service directory).
 */

const RETRYABLE_NAMES: readonly string[] = [
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ModelNotReadyException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "ServerException",
  "InternalFailure",
  "InternalDependencyException",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
];
const RETRYABLE_CODES: readonly string[] = ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN"];

interface AwsErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

/** Throttling, 5xx and network failures (and what the SDK marks `$retryable`) are retryable; other 4xx are not. */
export function isRetryableAwsError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as AwsErrorShape;
  if (e.name !== undefined && RETRYABLE_NAMES.includes(e.name)) return true;
  if (e.code !== undefined && RETRYABLE_CODES.includes(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status === 429 || status >= 500);
}
