import type { DiscoveredService, ServiceDirectory } from "../../ports";

/**
 * A fixed service directory, for `cad demo`, the benchmark and tests: what an ECS cluster listing would return,
 * set by the caller (and changeable between runs, as services come and go).
 */
export class MemoryServiceDirectory implements ServiceDirectory {
  private services: readonly DiscoveredService[];
  /** Set to make the next `list()` calls reject with it (a failing cluster listing). */
  failure: Error | undefined;

  constructor(services: readonly DiscoveredService[] = []) {
    this.services = [...services];
  }

  /** Replaces the listed services (a service created, deleted or re-tagged). */
  set(services: readonly DiscoveredService[]): void {
    this.services = [...services];
  }

  async list(): Promise<readonly DiscoveredService[]> {
    if (this.failure) throw this.failure;
    return this.services;
  }
}
