/** Reading per-policy configuration with defaults that match the policy's `configSchema`. */

/** The part of CrossGuard's validation args that carries configuration. */
export interface HasConfig {
  getConfig<T extends object>(): T;
}

/**
 * Returns the policy's configuration with `defaults` filled in. The Pulumi engine applies schema
 * defaults too, but not every caller does (tests, `new PolicyPack` without config), so the defaults live
 * here once and the schema reuses them.
 */
export function configOf<T extends object>(args: HasConfig, defaults: T): T {
  return { ...defaults, ...args.getConfig<Partial<T>>() };
}

/** Formats a violation message: what is wrong, then how to fix it. */
export function violation(problem: string, remediation: string): string {
  return `${problem} Remediation: ${remediation}`;
}
