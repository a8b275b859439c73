/**
 * Whether the detector has a model to score with. Until it has one, its schedule stays disabled: a detector
 * without a model fails every run (error alarm, dead-letter queue) and detects nothing. `pulumi up` after the model
 * is in place enables it; `pulumi stack output detectorSchedule` says which state it is in, and the update warns.
 *
 * - embedded scorer: the model bundle at `modelBundleKey` (`cad train`'s output, uploaded by the operator);
 * - sagemaker scorer: the endpoint's calibrated threshold, `training/<version>/threshold.json`, written by
 *   `cad dataset calibrate` once the endpoint exists.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** True when the embedded scorer's model bundle is in the bucket; warns (naming the object) when it is not. */
export function modelBundlePresent(bucketName: pulumi.Input<string>, modelBundleKey: string, parent?: pulumi.Resource): pulumi.Output<boolean> {
  const listing = aws.s3.getObjectsOutput({ bucket: bucketName, prefix: modelBundleKey }, parent === undefined ? {} : { parent });
  return pulumi.all([listing.keys, bucketName]).apply(([keys, bucket]) => {
    const present = keys.includes(modelBundleKey);
    if (!present) {
      void pulumi.log.warn(`the detector's schedule stays disabled until a model bundle is at s3://${bucket}/${modelBundleKey}: train one (cad train) and upload it there, then run pulumi up`);
    }
    return present;
  });
}

/** True when the SageMaker model's threshold has been calibrated; warns (naming the command) when not. */
export function thresholdCalibrated(listedKeys: pulumi.Input<readonly string[]>, bucketName: pulumi.Input<string>, version: string): pulumi.Output<boolean> {
  const key = `training/${version}/threshold.json`;
  return pulumi.all([listedKeys, bucketName]).apply(([keys, bucket]) => {
    const present = keys.includes(key);
    if (!present) {
      void pulumi.log.warn(
        `the detector's schedule stays disabled until s3://${bucket}/${key} exists: once the endpoint is up, run cad dataset calibrate --bucket ${bucket} --version ${version} --endpoint "$(pulumi stack output endpointName)", then pulumi up`,
      );
    }
    return present;
  });
}
