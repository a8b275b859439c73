/**
 * The account, partition and region the stack deploys into, resolved once through the provider's invokes
 * (`getCallerIdentity`, `getPartition`) so that policies can name exact ARNs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsScope } from "./iamDocuments";

/** Resolves the deployment scope; `region` comes from the validated stack config (`aws:region`). */
export function resolveAwsScope(region: string): pulumi.Output<AwsScope> {
  const identity = aws.getCallerIdentityOutput();
  const partition = aws.getPartitionOutput();
  return pulumi.all([identity.accountId, partition.partition]).apply(([accountId, p]) => ({ partition: p, region, accountId }));
}
