import type { ProfileScore } from "./scoreProfiles";

/** `cad evaluate`'s table: per profile its score and threshold, then one line per category. */
export function renderProfileScores(scores: readonly ProfileScore[]): string {
  const out: string[] = [];
  for (const p of scores) {
    out.push(`${p.profile}: score ${p.score.toFixed(1)} (threshold ${p.threshold.toFixed(4)})`);
    out.push(`  ${"category".padEnd(28)} ${"files".padStart(5)} ${"windows".padStart(7)} ${"found".padStart(5)} ${"FP".padStart(5)} ${"score".padStart(7)} ${"raw".padStart(8)}`);
    for (const c of p.categories) {
      out.push(`  ${c.category.padEnd(28)} ${String(c.files).padStart(5)} ${String(c.windows).padStart(7)} ${String(c.found).padStart(5)} ${String(c.falsePositives).padStart(5)} ${(c.score === null ? "-" : c.score.toFixed(1)).padStart(7)} ${c.raw.toFixed(2).padStart(8)}`);
    }
  }
  return out.join("\n");
}
