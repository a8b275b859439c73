/**
 * Every policy of the pack, grouped by service area. index.ts hands this list to `new PolicyPack`;
 * tests import it directly (constructing a PolicyPack starts a gRPC server).
 */
import { type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { cloudwatchPolicies } from "./cloudwatch";
import { eventSourcePolicies } from "./eventSources";
import { iamPolicies } from "./iam";
import { kmsPolicies } from "./kms";
import { lambdaPolicies } from "./lambda";
import { messagingPolicies } from "./messaging";
import { s3Policies } from "./s3";
import { sagemakerPolicies } from "./sagemaker";
import { stackPolicies } from "./stack";
import { vaultPolicies } from "./vault";

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  ...s3Policies,
  ...kmsPolicies,
  ...messagingPolicies,
  ...iamPolicies,
  ...lambdaPolicies,
  ...eventSourcePolicies,
  ...cloudwatchPolicies,
  ...sagemakerPolicies,
  ...vaultPolicies,
  ...stackPolicies,
];

/** The pack's name, as in PulumiPolicy.yaml and `--policy-pack-config` files. */
export const POLICY_PACK_NAME = "container-anomaly-detection";
