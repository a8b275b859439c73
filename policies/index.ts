/**
 * The CrossGuard policy pack: `pulumi preview --policy-pack policies`.
 * Only constructs the pack (which starts the analyzer's gRPC server); the policies live in policies.ts.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  // Policies without their own level are advisory; security-critical ones set "mandatory" themselves.
  enforcementLevel: "advisory",
  description: "Security settings for container-anomaly-detection: encryption, least-privilege IAM, Lambda and SageMaker hardening, Vault auth.",
  provider: "aws",
  policies,
});
