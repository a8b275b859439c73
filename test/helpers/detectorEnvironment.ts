/**
 * What a deployed detector needs around it, as loopback fakes: the collector's fakes (Vault proxy, Dynatrace,
 * S3) plus a model bundle trained on what the fake Dynatrace serves, stored where the detector looks for it, and
 * ECS / SNS answered by aws-sdk-client-mock (it patches the SDK clients the Lambda module loads as well).
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { DynatraceMetricSource } from "../../runtime/adapters/dynatrace/DynatraceMetricSource";
import type { FeatureSet } from "../../runtime/features/featureSet";
import type { MetricSample } from "../../runtime/types";
import { trainModel } from "../../training/trainModel";
import { DT_TOKEN, pointCollectorAtFakes, type CollectorFakes } from "./collectorEnvironment";
import { fakeEcsService, steady } from "./fakeEcsService";
import { RecordingLog } from "./recordingLog";

/** Trains a small seeded model on `hours` of what the fake Dynatrace serves for `service` before `until`. */
export async function trainOnFakeDynatrace(fakes: CollectorFakes, featureSet: FeatureSet, service: string, until: number, hours = 6): Promise<string> {
  const dim = "dt.entity.container_group_instance";
  const source = new DynatraceMetricSource(
    {
      baseUrl: fakes.dynatrace.url,
      token: DT_TOKEN,
      metrics: [
        { metric: "container.cpu.utilization", selector: `builtin:containers.cpu.usagePercent:splitBy("${dim}"):avg` },
        { metric: "container.memory.usage.total", selector: `builtin:containers.memory.residentSetBytes:splitBy("${dim}"):avg` },
      ],
      containerDimension: dim,
      entitySelector: 'type(CONTAINER_GROUP_INSTANCE),tag("aws.ecs.service.name:{service}")',
      resolution: "1m",
    },
    { log: new RecordingLog() },
  );
  const samples: MetricSample[] = await source.fetch(service, { from: until - hours * 3600_000, to: until });
  const { model } = trainModel(samples, { featureSet, numTrees: 30, sampleSize: 64, seed: 7, trainedAt: new Date(until).toISOString() });
  return JSON.stringify(model);
}

/** Stores `body` in the fake S3 as `s3://<bucket>/<key>`. */
export function putObject(fakes: CollectorFakes, bucket: string, key: string, body: string): void {
  fakes.s3.objects.set(`${bucket}/${key}`, { body: Buffer.from(body), etag: '"model"' });
}

/**
 * A deployed detector environment re-pointed at the fakes (see pointCollectorAtFakes), watching `service` only,
 * with the embedded scorer (the forest in the bundle).
 */
export function pointDetectorAtFakes(deployed: Readonly<Record<string, string>>, fakes: CollectorFakes, service: { cluster: string; service: string }): Record<string, string> {
  const env = pointCollectorAtFakes(deployed, fakes);
  const { CAD_ENDPOINT_NAME: _endpoint, ...rest } = env;
  return { ...rest, CAD_SCORER: "embedded", CAD_SERVICES: JSON.stringify([{ ...service, minTasks: 2, maxTasks: 6 }]) };
}

/** ECS answers for one steady service, SNS accepts every publish; returns the mocks (call `restore()` after). */
export function mockEcsAndSns(cluster: string, service: string) {
  const ecs = fakeEcsService({ cluster, service, desiredCount: 2, runningCount: 2, deployments: steady });
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  return {
    ecs,
    sns,
    restore: () => {
      ecs.ecs.restore();
      ecs.aas.restore();
      sns.restore();
    },
  };
}
