import { createHash } from "node:crypto";
import type { FeatureSet } from "../features/featureSet";

/**
 * A short, stable identity of what a feature set means to a model: metric names and roles in order, step, fill
 * limit and shingle (units are labels and do not count). Two feature sets with the same identity produce the
 * same vectors from the same samples.
 */
export function featureSetId(fs: FeatureSet): string {
  const canonical = JSON.stringify([fs.metrics.map((m) => [m.name, m.role]), fs.stepSeconds, fs.maxFillSteps, fs.shingleSize]);
  return `fs-${createHash("sha256").update(canonical).digest("hex").slice(0, 16)}`;
}

/** A short identity of any content (a model bundle's text, a training set version and its calibration). */
export function contentId(prefix: string, ...parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\u0000");
  return `${prefix}-${h.digest("hex").slice(0, 16)}`;
}
