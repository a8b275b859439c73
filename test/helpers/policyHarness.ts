/**
 * Runs CrossGuard policies without the Pulumi engine: builds the validation args that @pulumi/policy 1.21's
 * analyzer server builds (type, props, urn, name, opts, stackTags, isType/asType, getConfig, notApplicable)
 * and collects every reportViolation call. Pattern of pulumi-policy-aws src/tests/util.ts.
 */
import {
  type PolicyResource,
  type PolicyResourceOptions,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { type Unwrap } from "@pulumi/pulumi";

/** What a policy run produced: its messages (with the URN given, for stack policies) or why it did not apply. */
export interface PolicyRun {
  readonly violations: string[];
  readonly urns: (string | undefined)[];
  readonly notApplicable: string | undefined;
}

/** A resource handed to a resource policy: its type token, inputs and (optional) Pulumi name. */
export interface ResourceUnderTest {
  readonly type: string;
  readonly props: Record<string, unknown>;
  readonly name?: string;
}

/** A resource class as exported by @pulumi/aws and @pulumi/vault (carries the static `__pulumiType`). */
export type ResourceClass<TArgs> = new (name: string, args: TArgs, ...rest: never[]) => unknown;

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The type token of a resource class, e.g. `aws:s3/bucket:Bucket`. */
export function typeTokenOf(resourceClass: unknown): string {
  const token = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  if (typeof token !== "string") throw new Error("not a Pulumi resource class: it has no static __pulumiType");
  return token;
}

/** Builds a typed resource for a class: the props are checked against the class's Args at compile time. */
export function resourceOf<TArgs>(resourceClass: ResourceClass<TArgs>, props: Unwrap<NonNullable<TArgs>>, name = "under-test"): ResourceUnderTest {
  return { type: typeTokenOf(resourceClass), props: props as Record<string, unknown>, name };
}

const DEFAULT_OPTS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::container-anomaly-detection::${type}::${name}`;
}

function matchesType(type: string) {
  return (resourceClass: unknown) => (resourceClass as { __pulumiType?: unknown }).__pulumiType === type;
}

/** Like the analyzer: the policy sees its config entry minus `enforcementLevel`. */
function configGetter(config: Record<string, unknown>) {
  const { enforcementLevel: _level, ...properties } = config;
  return <T extends object>() => properties as T;
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicable(reason ?? "not applicable");
}

function collector(): { report: ReportViolation; violations: string[]; urns: (string | undefined)[] } {
  const violations: string[] = [];
  const urns: (string | undefined)[] = [];
  return { violations, urns, report: (message: string, urn?: string) => (violations.push(message), urns.push(urn)) };
}

/** Runs every validateResource function of a resource policy on one resource. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, resource: ResourceUnderTest, config: Record<string, unknown> = {}): Promise<PolicyRun> {
  const name = resource.name ?? "under-test";
  const { report, violations, urns } = collector();
  const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  const isType = matchesType(resource.type);
  const args: ResourceValidationArgs = {
    type: resource.type,
    props: resource.props,
    urn: urnOf(resource.type, name),
    name,
    opts: DEFAULT_OPTS,
    stackTags: new Map(),
    isType,
    asType: <TResource, TArgs>(resourceClass: new (name: string, args: TArgs, ...rest: never[]) => TResource) =>
      (isType(resourceClass) ? (resource.props as Unwrap<NonNullable<TArgs>>) : undefined),
    getConfig: configGetter(config),
    notApplicable: throwNotApplicable,
  };
  let notApplicable: string | undefined;
  for (const validate of validations) {
    try {
      await validate(args, report);
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
      notApplicable = err.reason;
    }
  }
  return { violations, urns, notApplicable };
}

/** A resource of a stack under test; `dependsOn` maps an input property to the names of resources it was computed from. */
export interface StackResourceUnderTest extends ResourceUnderTest {
  readonly name: string;
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** Builds the PolicyResource list the analyzer hands to stack policies (parents are not modelled). */
export function policyResourcesOf(resources: readonly StackResourceUnderTest[]): PolicyResource[] {
  const built = resources.map((r) => {
    const isType = matchesType(r.type);
    const resource: PolicyResource = {
      type: r.type,
      props: r.props,
      urn: urnOf(r.type, r.name),
      name: r.name,
      opts: DEFAULT_OPTS,
      dependencies: [],
      propertyDependencies: {},
      isType,
      asType: (resourceClass) => (isType(resourceClass) ? (r.props as never) : undefined),
    };
    return resource;
  });
  const byName = new Map(built.map((r) => [r.name, r]));
  resources.forEach((r, i) => {
    const target = built[i];
    if (target === undefined) return;
    for (const [property, names] of Object.entries(r.propertyDependencies ?? {})) {
      const deps = names.map((n) => {
        const dep = byName.get(n);
        if (dep === undefined) throw new Error(`resource '${r.name}' depends on unknown resource '${n}' through '${property}'`);
        return dep;
      });
      target.propertyDependencies[property] = deps;
      for (const dep of deps) if (!target.dependencies.includes(dep)) target.dependencies.push(dep);
    }
  });
  return built;
}

/** Runs a stack policy over a whole (hand-built or recorded) stack. */
export async function runStackPolicy(policy: StackValidationPolicy, resources: readonly StackResourceUnderTest[], config: Record<string, unknown> = {}): Promise<PolicyRun> {
  const { report, violations, urns } = collector();
  const args: StackValidationArgs = {
    resources: policyResourcesOf(resources),
    stackTags: new Map(),
    getConfig: configGetter(config),
    notApplicable: throwNotApplicable,
  };
  try {
    await policy.validateStack(args, report);
  } catch (err) {
    if (!(err instanceof NotApplicable)) throw err;
    return { violations, urns, notApplicable: err.reason };
  }
  return { violations, urns, notApplicable: undefined };
}
