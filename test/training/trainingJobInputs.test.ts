import { describe, expect, it } from "vitest";
import { rcfHyperparameters } from "../../training/hyperparameters";
import { trainingChannels, trainingJobName } from "../../training/trainingJobInputs";

const hp = rcfHyperparameters({ featureDim: 7 });

describe("training job inputs", () => {
  it("names a job after the data version and the hyperparameters, within SageMaker's name rules", () => {
    const name = trainingJobName("ds-f621594aa2727427", hp);
    expect(name).toMatch(/^rcf-f621594aa2727427-[0-9a-f]{8}$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(trainingJobName("ds-f621594aa2727427", rcfHyperparameters({ featureDim: 7 }))).toBe(name);
    expect(trainingJobName("ds-f621594aa2727427", rcfHyperparameters({ featureDim: 7 }, { num_trees: 200 }))).not.toBe(name);
    expect(trainingJobName("ds-0000000000000001", hp)).not.toBe(name);
    expect(() => trainingJobName("v1", hp)).toThrow('training set version "v1" is not of the form ds-<16 hex digits>');
  });

  it("points the train channel (sharded) and the test channel (replicated) at the version's prefixes", () => {
    const channels = { train: { contentType: "text/csv", rows: 2, parts: [] }, test: { contentType: "text/csv;label_size=1", rows: 3, parts: [] } };
    expect(trainingChannels("cad-metrics", "prod/", { version: "ds-f621594aa2727427", channels })).toEqual([
      { channelName: "train", contentType: "text/csv", s3Uri: "s3://cad-metrics/prod/training/ds-f621594aa2727427/train/", s3DataDistributionType: "ShardedByS3Key" },
      { channelName: "test", contentType: "text/csv;label_size=1", s3Uri: "s3://cad-metrics/prod/training/ds-f621594aa2727427/test/", s3DataDistributionType: "FullyReplicated" },
    ]);
    expect(trainingChannels("b", "", { version: "ds-f621594aa2727427", channels: { train: channels.train } })).toHaveLength(1);
  });
});
