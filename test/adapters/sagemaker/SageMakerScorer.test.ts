import {
  InvokeEndpointCommand,
  ModelError,
  SageMakerRuntimeClient,
  ServiceUnavailable,
  ValidationError,
  type InvokeEndpointCommandInput,
  type InvokeEndpointCommandOutput,
} from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { RetryGaveUpError } from "../../../runtime/adapters/retry/retryWithBackoff";
import { ScoreResponseError } from "../../../runtime/adapters/sagemaker/rcfPayload";
import { ModelInvocationError, SageMakerScorer, type SageMakerScorerOptions } from "../../../runtime/adapters/sagemaker/SageMakerScorer";
import type { RunMetricName, RunMetrics } from "../../../runtime/ports";
import { fakeRetryEnvironment, type FakeRetryEnvironment } from "../../helpers/fakeRetryEnvironment";
import { RecordingLog } from "../../helpers/recordingLog";

const sm = mockClient(SageMakerRuntimeClient);
const client = new SageMakerRuntimeClient({ region: "eu-west-1", maxAttempts: 1 });

function body(text: string): InvokeEndpointCommandOutput["Body"] {
  return new TextEncoder().encode(text) as InvokeEndpointCommandOutput["Body"];
}
function bodyText(input: InvokeEndpointCommandInput): string {
  return new TextDecoder().decode(input.Body as Uint8Array);
}
/** Answers like the built-in RCF: one score per row, here the sum of the row's features (so order is checkable). */
function rcfAnswer(input: InvokeEndpointCommandInput): { Body: InvokeEndpointCommandOutput["Body"]; ContentType: string } {
  const text = bodyText(input);
  const rows: number[][] =
    input.ContentType === "text/csv"
      ? text.split("\n").map((line) => line.split(",").map(Number))
      : (JSON.parse(text) as { instances: { features: number[] }[] }).instances.map((i) => i.features);
  const scores = rows.map((r) => ({ score: r.reduce((a, b) => a + b, 0) }));
  return { Body: body(JSON.stringify({ scores })), ContentType: "application/json" };
}
function throttling(): Error {
  return Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
}

let env: FakeRetryEnvironment;
let log: RecordingLog;
function scorer(options: Partial<SageMakerScorerOptions> = {}): SageMakerScorer {
  return new SageMakerScorer({ client, endpointName: "cad-rcf", env, log, ...options });
}

beforeEach(() => {
  sm.reset();
  env = fakeRetryEnvironment();
  log = new RecordingLog();
});

describe("SageMakerScorer", () => {
  it("sends one application/json request in the built-in RCF format and returns the scores in order", async () => {
    sm.on(InvokeEndpointCommand).callsFake(rcfAnswer);
    const results = await scorer().score([[1, 2.5], [0, -1e-7]]);
    expect(results).toEqual([{ score: 3.5 }, { score: -1e-7 }]);
    const calls = sm.commandCalls(InvokeEndpointCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect({ ...input, Body: bodyText(input) }).toEqual({
      EndpointName: "cad-rcf",
      ContentType: "application/json",
      Accept: "application/json",
      Body: '{"instances":[{"features":[1,2.5]},{"features":[0,-1e-7]}]}',
    });
  });

  it("sends text/csv rows when configured", async () => {
    sm.on(InvokeEndpointCommand).callsFake(rcfAnswer);
    const results = await scorer({ contentType: "text/csv" }).score([[1, 2], [3, 4]]);
    expect(results.map((r) => r.score)).toEqual([3, 7]);
    const input = sm.commandCalls(InvokeEndpointCommand)[0].args[0].input;
    expect(input.ContentType).toBe("text/csv");
    expect(bodyText(input)).toBe("1,2\n3,4");
  });

  it("splits a large input into requests under the payload limit and keeps the order", async () => {
    sm.on(InvokeEndpointCommand).callsFake(rcfAnswer);
    const vectors = Array.from({ length: 500 }, (_, i) => [i, i / 7, 1]);
    const maxPayloadBytes = 2_000;
    const results = await scorer({ maxPayloadBytes }).score(vectors);
    expect(results.map((r) => r.score)).toEqual(vectors.map((v) => v[0] + v[1] + v[2]));
    const calls = sm.commandCalls(InvokeEndpointCommand);
    expect(calls.length).toBeGreaterThan(5);
    // Batches are filled: all but the last are within one row (~40 bytes) of the limit.
    for (const call of calls.slice(0, -1)) expect((call.args[0].input.Body as Uint8Array).byteLength).toBeGreaterThan(maxPayloadBytes - 60);
    for (const call of calls) expect((call.args[0].input.Body as Uint8Array).byteLength).toBeLessThanOrEqual(maxPayloadBytes);
    const rows = calls.map((c) => (JSON.parse(bodyText(c.args[0].input)) as { instances: unknown[] }).instances.length);
    expect(rows.reduce((a, b) => a + b, 0)).toBe(500);
  });

  it("also caps the rows per request", async () => {
    sm.on(InvokeEndpointCommand).callsFake(rcfAnswer);
    await scorer({ maxRowsPerBatch: 3 }).score(Array.from({ length: 7 }, () => [1]));
    expect(sm.commandCalls(InvokeEndpointCommand).map((c) => bodyText(c.args[0].input).split("features").length - 1)).toEqual([3, 3, 1]);
  });

  it("retries throttling and 5xx with jittered back-off, then returns every score once (throttle then recover)", async () => {
    sm.on(InvokeEndpointCommand)
      .rejectsOnce(throttling())
      .rejectsOnce(new ServiceUnavailable({ message: "busy", $metadata: { httpStatusCode: 503 } }))
      .callsFake(rcfAnswer);
    const results = await scorer().score([[1], [2]]);
    expect(results.map((r) => r.score)).toEqual([1, 2]);
    expect(sm.commandCalls(InvokeEndpointCommand)).toHaveLength(3);
    expect(env.sleeps).toHaveLength(2);
    expect(env.sleeps[0]).toBeLessThan(200);
    expect(env.sleeps[1]).toBeLessThan(400);
    expect(log.entries.filter((e) => e.level === "warn").map((e) => e.fields.attempt)).toEqual([1, 2]);
  });

  it("gives up at the total deadline when the endpoint keeps throttling", async () => {
    sm.on(InvokeEndpointCommand).callsFake(() => {
      env.advance(1_000);
      throw throttling();
    });
    const error = await scorer({ retry: { maxAttempts: 1_000, deadlineMs: 10_000 } }).score([[1]]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryGaveUpError);
    expect((error as Error).message).toMatch(/cad-rcf.*batch 1\/1.*deadline.*ThrottlingException/);
    expect(env.now() - 1_700_000_000_000).toBeLessThanOrEqual(11_000);
  });

  it("rejects when the endpoint returns fewer scores than rows, without retrying", async () => {
    sm.on(InvokeEndpointCommand).resolves({ Body: body('{"scores":[{"score":0.4}]}') });
    const error = await scorer().score([[1], [2], [3]]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScoreResponseError);
    expect((error as Error).message).toBe('SageMaker endpoint "cad-rcf" batch 1/1 (rows 0..2): endpoint returned 1 scores for 3 rows');
    expect(sm.commandCalls(InvokeEndpointCommand)).toHaveLength(1);
  });

  it("rejects a response that is not the RCF format, naming the bad entry", async () => {
    sm.on(InvokeEndpointCommand).resolves({ Body: body('{"scores":[{"score":"NaN"}]}') });
    await expect(scorer().score([[1]])).rejects.toThrow('SageMaker endpoint "cad-rcf" batch 1/1 (rows 0..0): not an RCF answer: scores[0].score: expected a number, got "NaN" (expected {"scores":[{"score":x},...]})');
    sm.on(InvokeEndpointCommand).resolves({ Body: body("<html>") });
    await expect(scorer().score([[1]])).rejects.toThrow(/response is not JSON/);
    sm.on(InvokeEndpointCommand).resolves({ Body: body('{"predictions":[]}') });
    await expect(scorer().score([[1]])).rejects.toThrow(/not an RCF answer: scores: missing /);
    sm.on(InvokeEndpointCommand).resolves({ Body: body('{"scores":[{"score":1e999}]}') });
    await expect(scorer().score([[1]])).rejects.toThrow("scores[0].score: expected a finite number, got Infinity");
  });

  it("fails clearly on a ModelError, without retrying", async () => {
    sm.on(InvokeEndpointCommand).rejects(
      new ModelError({
        message: "Received client error (400) from model",
        $metadata: { httpStatusCode: 424 },
        OriginalStatusCode: 400,
        OriginalMessage: "feature_dim mismatch: expected 40, got 2",
        LogStreamArn: "arn:aws:logs:eu-west-1:123:log-group:/aws/sagemaker/Endpoints/cad-rcf",
      }),
    );
    const error = await scorer().score([[1, 2]]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelInvocationError);
    expect((error as Error).message).toBe(
      'SageMaker endpoint "cad-rcf": the model returned 400: feature_dim mismatch: expected 40, got 2; container logs: arn:aws:logs:eu-west-1:123:log-group:/aws/sagemaker/Endpoints/cad-rcf',
    );
    expect(sm.commandCalls(InvokeEndpointCommand)).toHaveLength(1);
  });

  it("does not retry a validation error", async () => {
    sm.on(InvokeEndpointCommand).rejects(new ValidationError({ message: "Endpoint cad-rcf not found", $metadata: { httpStatusCode: 400 } }));
    await expect(scorer().score([[1]])).rejects.toThrow("Endpoint cad-rcf not found");
    expect(sm.commandCalls(InvokeEndpointCommand)).toHaveLength(1);
  });

  it("refuses bad vectors before calling the endpoint, naming the row", async () => {
    await expect(scorer().score([[1, 2], [1, Number.NaN]])).rejects.toThrow("row 1 feature 1 is NaN");
    await expect(scorer().score([[1, 2], [1]])).rejects.toThrow("row 1 has 1 features, expected 2");
    await expect(scorer({ maxPayloadBytes: 64 }).score([Array.from({ length: 40 }, () => 0.123456789)])).rejects.toThrow(/row 0 alone encodes to \d+ bytes/);
    expect(sm.commandCalls(InvokeEndpointCommand)).toHaveLength(0);
  });

  it("returns no scores for no vectors without a request, and records the latency of real calls", async () => {
    const recorded: [RunMetricName, number][] = [];
    const metrics: RunMetrics = { record: (name, value) => recorded.push([name, value]), recordServiceGauge: () => undefined, flush: () => undefined };
    sm.on(InvokeEndpointCommand).callsFake((input: InvokeEndpointCommandInput) => {
      env.advance(35);
      return rcfAnswer(input);
    });
    expect(await scorer({ metrics }).score([])).toEqual([]);
    await scorer({ metrics }).score([[1]]);
    expect(recorded).toEqual([["scorerLatencyMs", 35]]);
  });

  it("validates its options", () => {
    expect(() => scorer({ endpointName: "" })).toThrow(/endpointName is required/);
    expect(() => scorer({ maxPayloadBytes: 10 })).toThrow(/maxPayloadBytes/);
    expect(() => scorer({ maxRowsPerBatch: 0 })).toThrow(/maxRowsPerBatch/);
    expect(() => scorer({ retry: { maxAttempts: 0 } })).toThrow("retry policy maxAttempts must be an integer >= 1, got 0");
  });
});
