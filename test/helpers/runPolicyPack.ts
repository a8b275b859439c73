/**
 * Runs the whole policy pack over a list of recorded resources, the way `pulumi preview --policy-pack`
 * would: every resource policy on every resource, then every stack policy on the whole list, with the
 * pack's enforcement rules (per-policy config overrides the policy's own level, which overrides the
 * pack default "advisory"; "disabled" skips the policy).
 *
 * Feed it the resources a `pulumi.runtime.setMocks` run recorded ({ type, name, inputs }). Give the
 * mock's returned state as `outputs` and its id as `id` so stack policies can match names, ARNs and ids
 * (alarm → function by name, bucket policy → bucket by id).
 */
import { type EnforcementLevel, type PolicyPackConfig, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { policies as packPolicies } from "../../policies/policies";
import { runResourcePolicy, runStackPolicy, urnOf, type StackResourceUnderTest } from "./policyHarness";

/** One resource as recorded from a mocked program run. */
export interface RecordedResource {
  /** Type token, e.g. `aws:lambda/function:Function`. */
  readonly type: string;
  /** Pulumi resource name. */
  readonly name: string;
  /** Inputs as passed to the resource (Outputs resolved). */
  readonly inputs: Record<string, unknown>;
  /** State returned by the mock (name, arn…); stack policies see `{ ...inputs, ...outputs, id }`. */
  readonly outputs?: Record<string, unknown>;
  /**
   * The id the mock returned. Companions refer to their parent by id (`bucket: bucket.id`), so stack
   * policies need it to link them when the mock's id differs from the name (e.g. `${name}-id`).
   */
  readonly id?: string;
  /** Input property → names of the resources its value was computed from (optional). */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One violation, attributed to a policy and (when known) a resource. */
export interface PackViolation {
  readonly policyName: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly resourceType: string | undefined;
  readonly resourceName: string | undefined;
  readonly message: string;
}

export interface RunPolicyPackOptions {
  /** Policies to run; defaults to the pack's full list. */
  readonly policies?: readonly (ResourceValidationPolicy | StackValidationPolicy)[];
  /** Per-policy configuration, as in a `--policy-pack-config` file. */
  readonly config?: PolicyPackConfig;
}

/** Pulumi's marker for a secret value in serialized properties. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Unwraps serialized secrets (policies see plaintext, as the analyzer does). */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG] === SECRET_VALUE) return unwrapSecrets(record["value"]);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

function policyConfig(config: PolicyPackConfig | undefined, name: string): Record<string, unknown> {
  const entry = config?.[name];
  if (entry === undefined) return {};
  return typeof entry === "string" ? { enforcementLevel: entry } : (entry as Record<string, unknown>);
}

function enforcementOf(policy: { name: string; enforcementLevel?: EnforcementLevel }, config: PolicyPackConfig | undefined): EnforcementLevel {
  const configured = policyConfig(config, policy.name)["enforcementLevel"] as EnforcementLevel | undefined;
  return configured ?? policy.enforcementLevel ?? "advisory";
}

/**
 * Runs every policy over the resources and returns all violations (advisory and mandatory), resource
 * policies first in resource order, then stack policies.
 */
export async function runPolicyPack(resources: readonly RecordedResource[], options: RunPolicyPackOptions = {}): Promise<PackViolation[]> {
  const policies = options.policies ?? packPolicies;
  const unwrapped = resources.map((r) => ({
    ...r,
    inputs: unwrapSecrets(r.inputs) as Record<string, unknown>,
    outputs: r.outputs === undefined ? undefined : (unwrapSecrets(r.outputs) as Record<string, unknown>),
  }));
  const byUrn = new Map(unwrapped.map((r) => [urnOf(r.type, r.name), r]));
  const found: PackViolation[] = [];

  for (const policy of policies) {
    const enforcementLevel = enforcementOf(policy, options.config);
    if (enforcementLevel === "disabled" || !("validateResource" in policy) || policy.validateResource === undefined) continue;
    for (const r of unwrapped) {
      const run = await runResourcePolicy(policy, { type: r.type, props: r.inputs, name: r.name }, policyConfig(options.config, policy.name));
      for (const message of run.violations) {
        found.push({ policyName: policy.name, enforcementLevel, resourceType: r.type, resourceName: r.name, message });
      }
    }
  }

  const stack: StackResourceUnderTest[] = unwrapped.map((r) => ({
    type: r.type,
    name: r.name,
    props: { ...r.inputs, ...(r.outputs ?? {}), ...(r.id === undefined ? {} : { id: r.id }) },
    propertyDependencies: r.propertyDependencies,
  }));
  for (const policy of policies) {
    const enforcementLevel = enforcementOf(policy, options.config);
    if (enforcementLevel === "disabled" || !("validateStack" in policy)) continue;
    const run = await runStackPolicy(policy, stack, policyConfig(options.config, policy.name));
    run.violations.forEach((message, i) => {
      const subject = byUrn.get(run.urns[i] ?? "");
      found.push({ policyName: policy.name, enforcementLevel, resourceType: subject?.type, resourceName: subject?.name, message });
    });
  }
  return found;
}

/** Only the violations that would block `pulumi up` ("mandatory"; "remediate" is reported as mandatory too). */
export function mandatoryViolations(violations: readonly PackViolation[]): PackViolation[] {
  return violations.filter((v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate");
}
