/** Lambda: supported runtimes, no plaintext secrets, bounded reserved concurrency, IAM-authenticated function URLs. */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, violation } from "./lib/config";
import { knownEntries } from "./lib/known";
import { findPlaintextSecrets } from "./lib/plaintextSecrets";

interface RuntimeConfig {
  /** Runtime identifiers allowed for zip-packaged functions. */
  allowedRuntimes: string[];
}
/** Runtimes AWS supports without a scheduled deprecation in the next months (nodejs20.x ends 2026-04-30). */
const RUNTIME_DEFAULTS: RuntimeConfig = {
  allowedRuntimes: ["nodejs22.x", "nodejs24.x", "python3.12", "python3.13", "python3.14", "java21", "java25", "dotnet10", "ruby3.4", "provided.al2023"],
};

export const lambdaSupportedRuntime: ResourceValidationPolicy = {
  name: "lambda-supported-runtime",
  description: "Lambda functions use a runtime from the allowed (supported, not soon deprecated) list.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: {
    properties: { allowedRuntimes: { type: "array", items: { type: "string" }, default: RUNTIME_DEFAULTS.allowedRuntimes } },
  },
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    if (fn.packageType === "Image") args.notApplicable("container-image functions bring their own runtime");
    const { allowedRuntimes } = configOf(args, RUNTIME_DEFAULTS);
    if (fn.runtime === undefined || !allowedRuntimes.includes(fn.runtime)) {
      report(violation(
        `Runtime ${JSON.stringify(fn.runtime ?? "unset")} is not in the allowed list (${allowedRuntimes.join(", ")}).`,
        `set runtime to one of ${allowedRuntimes.join(", ")} (aws.lambda.CallbackFunction defaults to nodejs22.x).`,
      ));
    }
  }),
};

interface PlaintextSecretsConfig {
  /** Variable names reviewed and accepted although they look secret (e.g. a public key). */
  allowedVariableNames: string[];
}
const PLAINTEXT_SECRETS_DEFAULTS: PlaintextSecretsConfig = { allowedVariableNames: [] };

export const lambdaNoPlaintextSecrets: ResourceValidationPolicy = {
  name: "lambda-no-plaintext-secrets",
  description: "Lambda environment variables carry no secret values (tokens, passwords, keys); secrets come from Vault at run time.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: {
    properties: { allowedVariableNames: { type: "array", items: { type: "string" }, default: PLAINTEXT_SECRETS_DEFAULTS.allowedVariableNames } },
  },
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    const { allowedVariableNames } = configOf(args, PLAINTEXT_SECRETS_DEFAULTS);
    // Values unknown during preview (ARNs of new resources) are references, not literals: check the known ones.
    const variables = knownEntries(fn.environment?.variables);
    for (const finding of findPlaintextSecrets(variables, allowedVariableNames)) {
      report(violation(
        `Environment variable ${finding.variable} looks like a plaintext secret: ${finding.reason}.`,
        "store the value in Vault and pass only its path (VAULT_SECRET_PATH) to the vault-lambda-extension; the value must not appear in resource inputs or state.",
      ));
    }
  }),
};

interface ReservedConcurrencyConfig {
  /** Every function must set reservedConcurrentExecutions (turn on per stack, e.g. prod). */
  required: boolean;
  /** Smallest accepted value (0 would throttle every invocation). */
  minimum: number;
  /** Largest accepted value: protects the account-wide concurrency pool. */
  maximum: number;
}
const RESERVED_CONCURRENCY_DEFAULTS: ReservedConcurrencyConfig = { required: false, minimum: 1, maximum: 100 };

export const lambdaReservedConcurrency: ResourceValidationPolicy = {
  name: "lambda-reserved-concurrency",
  description: "Lambda reserved concurrency, where set (or required by config), stays within the configured bounds.",
  enforcementLevel: "advisory",
  severity: "low",
  configSchema: {
    properties: {
      required: { type: "boolean", default: RESERVED_CONCURRENCY_DEFAULTS.required },
      minimum: { type: "integer", minimum: 0, default: RESERVED_CONCURRENCY_DEFAULTS.minimum },
      maximum: { type: "integer", minimum: 1, default: RESERVED_CONCURRENCY_DEFAULTS.maximum },
    },
  },
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    const { required, minimum, maximum } = configOf(args, RESERVED_CONCURRENCY_DEFAULTS);
    const reserved = fn.reservedConcurrentExecutions;
    // -1 is the provider's "unreserved" value.
    if (reserved === undefined || reserved === -1) {
      if (required) report(violation("reservedConcurrentExecutions is not set.", `set reservedConcurrentExecutions between ${minimum} and ${maximum}.`));
      return;
    }
    if (reserved < minimum || reserved > maximum) {
      report(violation(`reservedConcurrentExecutions is ${reserved}, outside ${minimum}..${maximum}.`, `set reservedConcurrentExecutions between ${minimum} and ${maximum}.`));
    }
  }),
};

export const lambdaFunctionUrlIamAuth: ResourceValidationPolicy = {
  name: "lambda-function-url-iam-auth",
  description: "Lambda function URLs require IAM authentication (AWS_IAM), never NONE.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(aws.lambda.FunctionUrl, (url, _args, report) => {
    if (url.authorizationType !== "AWS_IAM") {
      report(violation(
        `authorizationType is ${JSON.stringify(url.authorizationType ?? "unset")}: anyone on the internet can invoke the function.`,
        'set authorizationType to "AWS_IAM" and grant lambda:InvokeFunctionUrl to the callers that need it.',
      ));
    }
  }),
};

export const lambdaPolicies = [lambdaSupportedRuntime, lambdaNoPlaintextSecrets, lambdaReservedConcurrency, lambdaFunctionUrlIamAuth];
