/** The collector, when the process runs with --expose-gc (`npm run bench` does). */
function collector(): (() => void) | null {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? (gc as () => void) : null;
}

/** Heap in use plus array-buffer memory (where typed arrays keep their data), after full collections. */
function usedBytes(gc: () => void): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Runs `make` and measures the process memory what it returns keeps alive: heap plus array buffers after full
 * collections, with the value held, minus the same before. `bytes` is null when the collector is not exposed.
 */
export function retainedBytes<T>(make: () => T): { value: T; bytes: number | null } {
  const gc = collector();
  if (!gc) return { value: make(), bytes: null };
  const before = usedBytes(gc);
  const value = make();
  const bytes = usedBytes(gc) - before;
  return { value, bytes };
}
