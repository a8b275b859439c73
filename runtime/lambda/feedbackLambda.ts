/**
 * Lambda entry module of the feedback action: a function URL with AWS_IAM auth (only principals allowed to call
 * lambda:InvokeFunctionUrl reach it) whose POST body marks an incident, stored next to the detector state in the
 * stack's bucket (makeFeedbackHandler). The S3 client is built once per cold start.
 */
import { S3Client } from "@aws-sdk/client-s3";
import * as v from "valibot";
import { correlationIdOf, RunObservability, type LambdaContextLike } from "../adapters/observability/RunObservability";
import { S3StateStore } from "../adapters/s3/S3StateStore";
import { makeFeedbackHandler, type FeedbackRequest, type FeedbackResponse } from "../handlers/makeFeedbackHandler";
import { CurrentRun } from "./currentRun";
import { checkedVariable, type Env } from "./envVariables";
import { LAMBDA_ENV } from "./lambdaEnv";

export interface FeedbackEnv {
  readonly environment: string;
  readonly bucket: string;
  readonly statePrefix: string;
}

/** Reads the feedback function's environment; throws naming the variable that is missing or malformed. */
export function parseFeedbackEnv(env: Env): FeedbackEnv {
  return {
    environment: checkedVariable(env, LAMBDA_ENV.environment, v.pipe(v.string(), v.minLength(1)), "a non-empty name"),
    bucket: checkedVariable(env, LAMBDA_ENV.bucket, v.pipe(v.string(), v.minLength(3)), "a bucket name"),
    statePrefix: checkedVariable(env, LAMBDA_ENV.statePrefix, v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/)), 'a key prefix ending with "/"'),
  };
}

/** Parses the environment and builds the client once; returns the invocation handler. */
export function createFeedbackHandler(env: Env = process.env, wallClock: () => number = Date.now): (event: unknown, context?: LambdaContextLike) => Promise<FeedbackResponse> {
  const config = parseFeedbackEnv(env);
  const observability = new RunObservability({ serviceName: "feedback", namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ContainerAnomalyDetection", dimensions: { environment: config.environment } });
  const current = new CurrentRun();
  const handler = makeFeedbackHandler({ state: new S3StateStore({ client: new S3Client({}), bucket: config.bucket, prefix: config.statePrefix }), clock: { now: wallClock }, log: current.log });
  return async (event, context) => {
    const run = observability.beginRun(correlationIdOf(event, context), context);
    current.begin(run);
    try {
      // A function URL delivers an object (payload format 2.0); anything else is answered as an empty request.
      const response = await handler(typeof event === "object" && event !== null ? (event as FeedbackRequest) : {});
      run.log.info("feedback request done", { statusCode: response.statusCode });
      return response;
    } finally {
      run.metrics.flush();
    }
  };
}
