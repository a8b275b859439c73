/**
 * The program's feedback action: a function URL with IAM auth, a role that reads the detector state and reads and
 * writes only the feedback prefix, the environment the entry module reads, the stack output; the CrossGuard pack
 * passes over it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../infra/iamDocuments";
import { parseFeedbackEnv } from "../../runtime/lambda/feedbackLambda";
import { parseDetectEnv } from "../../runtime/lambda/lambdaEnv";
import { REPO_ROOT, resource, runProgram, type ProgramRun } from "../helpers/pulumiMocks";
import { mandatoryViolations, runPolicyPack } from "../helpers/runPolicyPack";
import { SECRET_KEYS, devStackConfig } from "../helpers/stackConfig";
import { PROGRAM_MS } from "../helpers/timeouts";

let r: ProgramRun;
beforeAll(async () => {
  r = await runProgram({ config: devStackConfig({ feedbackUrl: "true" }), secretKeys: SECRET_KEYS });
}, PROGRAM_MS);

const n = "cad-dev-feedback";

describe("the program's feedback action", () => {
  it("serves the function on a URL that requires IAM auth, exported as feedbackUrl", () => {
    const url = resource(r, "aws:lambda/functionUrl:FunctionUrl", `${n}-function-url`);
    expect(url.inputs).toMatchObject({ functionName: n, authorizationType: "AWS_IAM" });
    expect(r.outputs.feedbackUrl).toBe(url.outputs.functionUrl);
    expect(String(r.outputs.feedbackUrl)).toMatch(/^https:\/\/[0-9a-f]{32}\.lambda-url\.[a-z0-9-]+\.on\.aws\/$/);
  });

  it("runs with the environment its entry module reads, no Vault layer, no source settings", () => {
    const fn = resource(r, "aws:lambda/function:Function", `${n}-function-function`);
    expect(fn.inputs).toMatchObject({ name: n, timeout: 30, layers: [] });
    const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    expect(parseFeedbackEnv(env)).toEqual({ environment: "dev", bucket: expect.any(String), statePrefix: "state/" });
    expect(Object.keys(env).filter((k) => k.startsWith("CAD_")).sort()).toEqual(["CAD_BUCKET", "CAD_ENVIRONMENT", "CAD_STATE_PREFIX"].sort());
  });

  it("gives the role the detector state to read, its own feedback prefix to read and write, and nothing else of the bucket", () => {
    const bucket = String(resource(r, "aws:s3/bucket:Bucket", "cad-dev-bucket").outputs.arn);
    const policy = JSON.parse(String(resource(r, "aws:iam/rolePolicy:RolePolicy", `${n}-function-policy`).inputs.policy)) as PolicyDocument;
    expect(policy.Statement.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [expect.stringMatching(/:log-group:\/aws\/lambda\/cad-dev-feedback:\*$/)]],
      ["OnFailureDestination", ["sqs:SendMessage"], [expect.stringMatching(/^arn:aws:sqs:/)]],
      ["UseStackKey", ["kms:Decrypt", "kms:GenerateDataKey"], [r.outputs.kmsKeyArn]],
      ["ReadDetectorState", ["s3:GetObject"], [`${bucket}/state/detector/*`]],
      ["OwnFeedback", ["s3:GetObject", "s3:PutObject"], [`${bucket}/state/feedback/*`]],
      ["ListReadablePrefixes", ["s3:ListBucket"], [bucket]],
    ]);
  });

  it("hands the URL to the detector, which names it in every alert", () => {
    const detect = resource(r, "aws:lambda/function:Function", "cad-dev-detect-function");
    const env = (detect.inputs.environment as { variables: Record<string, string> }).variables;
    expect(env.CAD_FEEDBACK_URL).toBe(r.outputs.feedbackUrl);
    expect(parseDetectEnv(env).feedbackUrl).toBe(r.outputs.feedbackUrl);
  });

  it("lets the detector read the feedback, not write it", () => {
    const bucket = String(resource(r, "aws:s3/bucket:Bucket", "cad-dev-bucket").outputs.arn);
    const policy = JSON.parse(String(resource(r, "aws:iam/rolePolicy:RolePolicy", "cad-dev-detect-policy").inputs.policy)) as PolicyDocument;
    const onFeedback = policy.Statement.filter((s) => (s.Resource as string[]).includes(`${bucket}/state/feedback/*`));
    expect(onFeedback.map((s) => [s.Sid, s.Action])).toEqual([["ReadFeedback", ["s3:GetObject"]]]);
  });

  it.each(["dev.json", "prod.json"])("passes the CrossGuard pack under policies/config/%s with no mandatory violation", async (file) => {
    const config = JSON.parse(readFileSync(join(REPO_ROOT, "policies", "config", file), "utf8")) as PolicyPackConfig;
    const violations = await runPolicyPack(r.resources, { config });
    expect(mandatoryViolations(violations).map((v) => `${v.policyName} ${v.resourceName ?? ""}: ${v.message}`)).toEqual([]);
  });
});

describe("the program without feedbackUrl", () => {
  it("creates no feedback action and no feedbackUrl output", async () => {
    const plain = await runProgram({ config: devStackConfig(), secretKeys: SECRET_KEYS });
    expect(plain.resources.filter((x) => x.name.includes("feedback"))).toEqual([]);
    expect(plain.outputs).not.toHaveProperty("feedbackUrl");
    const detect = resource(plain, "aws:lambda/function:Function", "cad-dev-detect-function");
    expect((detect.inputs.environment as { variables: Record<string, string> }).variables).not.toHaveProperty("CAD_FEEDBACK_URL");
  }, PROGRAM_MS);
});
