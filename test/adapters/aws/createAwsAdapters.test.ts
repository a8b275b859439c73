import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from "@aws-sdk/client-application-auto-scaling";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { InvokeEndpointCommand, SageMakerRuntimeClient, type InvokeEndpointCommandOutput } from "@aws-sdk/client-sagemaker-runtime";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsAdapters, type AwsAdapterConfig } from "../../../runtime/adapters/aws/createAwsAdapters";
import { openEvent } from "../../helpers/incidentEvents";
import { RecordingLog } from "../../helpers/recordingLog";
import { VaultServer } from "../../servers/vaultServer";

const sm = mockClient(SageMakerRuntimeClient);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const ecs = mockClient(ECSClient);
const aas = mockClient(ApplicationAutoScalingClient);
const s3 = mockClient(S3Client);

let vault: VaultServer;
beforeAll(async () => {
  vault = await VaultServer.start({ requireToken: false });
  vault.put("secret", "cad/splunk", { token: "x" });
});
afterAll(async () => {
  await vault.close();
});

const config = (): AwsAdapterConfig => ({
  region: "eu-west-1",
  scorer: { kind: "sagemaker", endpointName: "cad-rcf-prod", contentType: "text/csv" },
  alerts: { topicArn: "arn:aws:sns:eu-west-1:1:cad-alerts", deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/cad-dlq" },
  scaling: { cluster: "prod", defaultBounds: { minTasks: 1, maxTasks: 10 }, cooldownMs: 0 },
  state: { bucket: "cad-state-prod", prefix: "v1/" },
  vault: { address: vault.address },
});
const deps = { clock: { now: () => 0 }, log: new RecordingLog() };

describe("createAwsAdapters", () => {
  it("wires each adapter to its configured resource", async () => {
    sm.on(InvokeEndpointCommand).resolves({ Body: new TextEncoder().encode('{"scores":[{"score":1.5}]}') as InvokeEndpointCommandOutput["Body"] });
    sns.on(PublishCommand).rejects(new Error("down"));
    sqs.on(SendMessageCommand).resolves({ MessageId: "d" });
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: "checkout", status: "ACTIVE", desiredCount: 2, runningCount: 2, deployments: [] }] });
    aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
    s3.on(PutObjectCommand).resolves({ ETag: '"e1"' });

    const a = createAwsAdapters(config(), deps);
    expect(await a.scorer?.score([[1, 2]])).toEqual([{ score: 1.5 }]);
    expect(sm.commandCalls(InvokeEndpointCommand)[0].args[0].input).toMatchObject({ EndpointName: "cad-rcf-prod", ContentType: "text/csv" });
    await expect(a.alerts.send(openEvent())).rejects.toThrow(/parked in the dead-letter queue https:\/\/sqs.eu-west-1.amazonaws.com\/1\/cad-dlq$/);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.TopicArn).toBe("arn:aws:sns:eu-west-1:1:cad-alerts");
    expect(await a.scaler.describe("checkout")).toEqual({ desiredTasks: 2, runningTasks: 2, deploying: false });
    expect(ecs.commandCalls(DescribeServicesCommand)[0].args[0].input).toEqual({ cluster: "prod", services: ["checkout"] });
    expect(await a.state.save("k", 1, undefined)).toBe('"e1"');
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input).toMatchObject({ Bucket: "cad-state-prod", Key: "v1/k", IfNoneMatch: "*" });
    expect(await a.secrets.read("cad/splunk")).toEqual({ token: "x" });
  });

  it("builds no external scorer for the embedded scorer (each detector scores with its own forest), and names a bad kind", () => {
    expect(createAwsAdapters({ ...config(), scorer: { kind: "none" } }, deps).scorer).toBeUndefined();
    const bad = { ...config(), scorer: { kind: "lambda" } } as unknown as AwsAdapterConfig;
    expect(() => createAwsAdapters(bad, deps)).toThrow('AWS adapter config: scorer.kind must be "sagemaker" or "none", got "lambda"');
    expect(() => createAwsAdapters({ ...config(), region: "" }, deps)).toThrow(/region is required/);
  });
});
