import type { LiveDetector } from "./serviceStateLoader";

/** How many saved detectors a process keeps by default (see {@link LiveDetectors}). */
export const DEFAULT_LIVE_DETECTORS = 32;

/**
 * The detectors this process saved last, by service, so that a warm Lambda or a local replay that runs the same
 * service again skips decoding its state (serviceStateLoader.ts uses one only while the stored version is still
 * the one its save produced). Bounded: at most `max` detectors, the least recently saved dropped first. Unbounded,
 * a queue worker that is handed every service in turn would keep them all: the bench's fan-out over 1,000
 * services of 20 containers held 3.3 GB, more than the detect function's 1,024 MB.
 */
export class LiveDetectors {
  private readonly entries = new Map<string, LiveDetector>();

  constructor(
    readonly max: number = DEFAULT_LIVE_DETECTORS,
    /**
     * Whether the process is short of memory (the Lambda: more than half its memory resident; see
     * lambda/memoryPressure.ts). While it is, a save keeps no detector and drops the oldest kept one: a count
     * bounds detectors, not bytes, and a service of many container names has a forest for each.
     */
    private readonly memoryPressure?: () => boolean,
  ) {
    if (!Number.isInteger(max) || max < 0) throw new Error(`liveDetectors must be a whole number >= 0 (0 keeps none), got ${max}`);
  }

  /** Removes and returns the service's detector: a run that fails half-way must not leave a changed one behind. */
  take(service: string): LiveDetector | undefined {
    const entry = this.entries.get(service);
    this.entries.delete(service);
    return entry;
  }

  /**
   * Keeps the service's detector as saved at `entry.version`, dropping the least recently kept beyond `max`; under
   * memory pressure keeps none and drops the oldest.
   */
  keep(service: string, entry: LiveDetector): void {
    this.entries.delete(service);
    if (this.max === 0) return;
    if (this.memoryPressure?.()) {
      for (const oldest of this.entries.keys()) {
        this.entries.delete(oldest);
        break;
      }
      return;
    }
    this.entries.set(service, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(oldest);
    }
  }

  /** Services whose detector is kept, least recently kept first. */
  services(): string[] {
    return [...this.entries.keys()];
  }
}
