/** KMS: customer-managed keys rotate, and cannot be deleted in a hurry. */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, violation } from "./lib/config";

/** Key specs for which AWS supports automatic rotation. */
function isSymmetricEncryptionKey(key: { keyUsage?: string; customerMasterKeySpec?: string }): boolean {
  const usage = key.keyUsage ?? "ENCRYPT_DECRYPT";
  const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
  return usage === "ENCRYPT_DECRYPT" && spec === "SYMMETRIC_DEFAULT";
}

export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description: "Symmetric KMS keys have automatic rotation enabled.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, report) => {
    // Asymmetric and HMAC keys cannot rotate automatically: the policy does not apply to them.
    if (!isSymmetricEncryptionKey(key)) args.notApplicable("only symmetric encryption keys support automatic rotation");
    if (key.enableKeyRotation !== true) {
      report(violation("Automatic key rotation is off.", "set enableKeyRotation: true (optionally rotationPeriodInDays, 90-2560)."));
    }
  }),
};

interface DeletionWindowConfig {
  /** Shortest allowed waiting period before a scheduled key deletion, in days (AWS allows 7-30). */
  minimumDays: number;
}
const DELETION_WINDOW_DEFAULTS: DeletionWindowConfig = { minimumDays: 30 };

export const kmsKeyDeletionWindow: ResourceValidationPolicy = {
  name: "kms-key-deletion-window",
  description: "KMS keys keep a long deletion window, so a deleted key can be recovered before its data is lost.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: {
    properties: { minimumDays: { type: "integer", minimum: 7, maximum: 30, default: DELETION_WINDOW_DEFAULTS.minimumDays } },
  },
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, report) => {
    const { minimumDays } = configOf(args, DELETION_WINDOW_DEFAULTS);
    // AWS's default window is 30 days when the input is omitted.
    const days = key.deletionWindowInDays ?? 30;
    if (days < minimumDays) {
      report(violation(`deletionWindowInDays is ${days}, below the required ${minimumDays}.`, `set deletionWindowInDays to at least ${minimumDays} (or omit it for AWS's 30).`));
    }
  }),
};

export const kmsPolicies = [kmsKeyRotation, kmsKeyDeletionWindow];
