import { formatFeatureRowsCsv } from "../../runtime/features/featureRowCsv";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { featureWindowKey } from "../../runtime/handlers/makeCollectHandler";
import type { ObjectStore } from "../../runtime/ports";
import type { FeatureRow } from "../../runtime/types";

/** Two metrics, 60-second steps, one step of fill, shingles of 2: small enough to compute vectors by hand. */
export const SMALL_FEATURE_SET: FeatureSet = {
  metrics: [
    { name: "cpu", role: "cpu" },
    { name: "mem", role: "memory" },
  ],
  stepSeconds: 60,
  maxFillSteps: 1,
  shingleSize: 2,
};

/** Monday 2026-01-05 00:00 UTC. */
export const T0 = Date.UTC(2026, 0, 5);
export const MIN = 60_000;

/** A feature row at step `step` after T0 (NaN = missing cell). */
export function row(service: string, container: string, step: number, values: readonly number[]): FeatureRow {
  return { service, container, timestamp: T0 + step * MIN, values, filled: 0, gap: values.some((v) => Number.isNaN(v)) };
}

/** Writes `rows` as the collector's window of `service` starting `startStep` steps after T0; returns its key. */
export async function putWindow(store: ObjectStore, prefix: string, service: string, startStep: number, rows: readonly FeatureRow[], fs: FeatureSet = SMALL_FEATURE_SET): Promise<string> {
  const key = prefix + featureWindowKey(service, T0 + startStep * MIN);
  await store.put(key, formatFeatureRowsCsv(rows, fs), "text/csv");
  return key;
}

/** The deterministic raw values of a container at a step. */
export const cpuAt = (container: string, step: number): number => 10 + (step % 7) * 1.5 + (container.endsWith("2") ? 4 : 0);
export const memAt = (container: string, step: number): number => 200 + step * 0.25 + (container.endsWith("2") ? 30 : 0);

/**
 * The realistic fixture (steps after T0, range [0, 20)):
 * - checkout/c1: steps 0–19 except a 3-step hole at 4–6 (longer than the fill limit: gap rows);
 *   window B repeats step 2 with other values (a duplicate: the first is kept).
 * - checkout/c2: steps 0–19; its step 5 is missing from window A and arrives late in window B; its memory
 *   at step 9 (last step of window A) is empty and is filled across the window boundary.
 * - search/s1: a window starting 10 minutes before T0 (the previous date partition, out of range) and
 *   one with steps 0–9.
 */
export async function putRealisticWindows(store: ObjectStore, prefix = ""): Promise<string[]> {
  const full = (c: string, s: number) => row(c.startsWith("s") ? "search" : "checkout", c, s, [cpuAt(c, s), memAt(c, s)]);
  const steps = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
  const windowA = [
    ...steps(0, 10).filter((s) => s < 4 || s > 6).map((s) => full("c1", s)),
    ...steps(0, 10).filter((s) => s !== 5).map((s) => (s === 9 ? row("checkout", "c2", 9, [cpuAt("c2", 9), NaN]) : full("c2", s))),
  ];
  const windowB = [row("checkout", "c1", 2, [99, 999]), full("c2", 5), ...steps(10, 20).flatMap((s) => [full("c1", s), full("c2", s)])];
  return [
    await putWindow(store, prefix, "checkout", 0, windowA),
    await putWindow(store, prefix, "checkout", 10, windowB),
    await putWindow(store, prefix, "search", -10, steps(-10, 0).map((s) => full("s1", s))),
    await putWindow(store, prefix, "search", 0, steps(0, 10).map((s) => full("s1", s))),
  ];
}
