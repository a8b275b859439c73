/**
 * Inputs as the analyzer presents them during `pulumi preview`: wrapped in @pulumi/policy's
 * unknown-checking proxy, with the engine's sentinel for values not known yet. Uses the package's own
 * (typed as internal) exports, so tests exercise the exact error the analyzer throws.
 */
import * as proxyModule from "@pulumi/policy/proxy";

interface PreviewProxy {
  unknownCheckingProxy<T extends object>(value: T): T;
  unknownStringValue: string;
}
const proxy = proxyModule as unknown as PreviewProxy;

/** The engine's marker for a string that is unknown during preview (e.g. a new resource's ARN). */
export const UNKNOWN: string = proxy.unknownStringValue;

/** Wraps inputs the way the analyzer does: reading an UNKNOWN value throws UnknownValueError. */
export function asPreview<T extends object>(props: T): T {
  return proxy.unknownCheckingProxy(props);
}
