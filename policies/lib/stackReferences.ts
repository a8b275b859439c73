/**
 * How stack policies decide that one resource points at another (an alarm at a function, an event-invoke
 * config at a function, a bucket policy at a bucket).
 *
 * Two kinds of evidence, strongest first:
 * 1. Pulumi's recorded property dependencies: `new MetricAlarm(..., { dimensions: { FunctionName: fn.name } })`
 *    makes `propertyDependencies.dimensions` contain the function. This works during `pulumi preview`, when
 *    names and ARNs of new resources are still unknown.
 * 2. Equal identifiers: the referring value equals the target's name, ARN, id or URL (resources imported or
 *    passed in by name, and tests that only record values).
 */
import { type PolicyResource } from "@pulumi/policy";
import { readKnown } from "./known";

/** A stack resource reduced to what reference matching reads; `PolicyResource` satisfies it. */
export type StackResource = Pick<PolicyResource, "type" | "name" | "urn" | "props" | "dependencies" | "propertyDependencies">;

/** The known string identifiers of a resource: name, ARN, id and URL outputs (and qualified-ARN prefix). */
export function identifiersOf(resource: StackResource): Set<string> {
  const ids = new Set<string>();
  for (const key of ["name", "arn", "id", "url", "bucket"]) {
    const value = readKnown(() => resource.props[key] as unknown);
    if (typeof value === "string" && value.length > 0) ids.add(value);
  }
  return ids;
}

/** A value referring to a target matches when equal to one of its identifiers (a Lambda ARN may carry `:qualifier`). */
function valueMatches(value: unknown, ids: Set<string>): boolean {
  if (typeof value !== "string" || value.length === 0) return false;
  if (ids.has(value)) return true;
  for (const id of ids) {
    if (id.startsWith("arn:") && value.startsWith(`${id}:`)) return true;
  }
  return false;
}

/**
 * True when `from.<property>` refers to `target`: through a recorded property dependency, or because the
 * value read by `valueOf` (from `from.props`) equals one of the target's identifiers.
 *
 * @param property top-level input name of `from` (e.g. "dimensions", "functionName", "bucket").
 * @param valueOf reads the referring value(s) out of `from.props`; unknown values count as no evidence.
 */
export function refersTo(
  from: StackResource,
  property: string,
  target: StackResource,
  valueOf: (props: Record<string, unknown>) => unknown,
): boolean {
  const deps = from.propertyDependencies[property] ?? [];
  if (deps.some((d) => d.urn === target.urn)) return true;
  const ids = identifiersOf(target);
  const matched = readKnown(() => {
    const value = valueOf(from.props);
    const values: unknown[] = Array.isArray(value) ? value : [value];
    return values.some((v) => valueMatches(v, ids));
  });
  return matched === true;
}
