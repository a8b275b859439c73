import { createHash } from "node:crypto";
import type { DatasetManifest } from "./datasetManifest";
import { toSageMakerHyperParameters, type RcfTrainingHyperparameters } from "./hyperparameters";

/** One input channel of a SageMaker training job, in the shape of `CreateTrainingJob`'s InputDataConfig. */
export interface TrainingChannel {
  readonly channelName: "train" | "test";
  readonly contentType: string;
  /** `s3://<bucket>/<prefix>training/<version>/<channel>/`: every part under it. */
  readonly s3Uri: string;
  /**
   * AWS's RCF input/output page: the train channel supports only ShardedByS3Key, the test channel only
   * FullyReplicated.
   */
  readonly s3DataDistributionType: "ShardedByS3Key" | "FullyReplicated";
}

/**
 * Name of the training job of `version` with `hp`: `rcf-<16 hex of the version>-<8 hex of the hyperparameters>`.
 * A training job cannot change in place, so a new data version or new hyperparameters need a new name, and the
 * same inputs give the same name (a `pulumi up` without changes replaces nothing). Fits SageMaker's 63-character
 * `[a-zA-Z0-9-]` names.
 */
export function trainingJobName(version: string, hp: RcfTrainingHyperparameters): string {
  const m = /^ds-([0-9a-f]{16})$/.exec(version);
  if (!m) throw new Error(`training set version "${version}" is not of the form ds-<16 hex digits> (as \`cad dataset build\` prints it)`);
  const hpHash = createHash("sha256").update(JSON.stringify(toSageMakerHyperParameters(hp))).digest("hex").slice(0, 8);
  return `rcf-${m[1]}-${hpHash}`;
}

/** The channels of a built set, for the training job's input data configuration. */
export function trainingChannels(bucket: string, prefix: string, manifest: Pick<DatasetManifest, "version" | "channels">): TrainingChannel[] {
  const base = `s3://${bucket}/${prefix}training/${manifest.version}/`;
  const channels: TrainingChannel[] = [{ channelName: "train", contentType: manifest.channels.train.contentType, s3Uri: `${base}train/`, s3DataDistributionType: "ShardedByS3Key" }];
  const test = manifest.channels.test;
  if (test) channels.push({ channelName: "test", contentType: test.contentType, s3Uri: `${base}test/`, s3DataDistributionType: "FullyReplicated" });
  return channels;
}
