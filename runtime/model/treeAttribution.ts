import type { StreamingTree } from "./streamingTree";

/**
 * The walk back up of StreamingTree.score that also splits the score into per-dimension contributions
 * (`attr`, summing to the score before normalisation): the tree's last descent reached depth `depth` and a leaf
 * whose point starts at `lb`, and that point is not `point` itself. Each level's share of the displacement goes to
 * the dimensions the point lies outside of the box on, by the gap. Only anomalous steps need it (attribution), so it
 * stays in TypeScript beside the kernel's plain walk.
 */
export function walkUpWithAttribution(t: StreamingTree, point: Float64Array, depth: number, lb: number, attr: Float64Array): number {
  const dim = t.dim;
  const pts = t.points;
  let score = 1 / (depth + 1);
  let sum = 0;
  for (let d = 0; d < dim; d++) sum += Math.abs(point[d] - pts[lb + d]);
  for (let d = 0; d < dim; d++) attr[d] = (score * Math.abs(point[d] - pts[lb + d])) / sum;
  for (let level = depth - 1; level >= 0; level--) {
    const base = t.loadBox(t.path[level]);
    const box = t.bx;
    let oldRange = 0;
    let newRange = 0;
    for (let d = 0; d < dim; d++) {
      const lo = box[base + 2 * d];
      const hi = -box[base + 2 * d + 1];
      const v = point[d];
      oldRange += hi - lo;
      newRange += (v > hi ? v : hi) - (v < lo ? v : lo);
    }
    if (newRange <= oldRange) break;
    const prob = (newRange - oldRange) / newRange;
    const unseen = 1 / (level + 1);
    score = (1 - prob) * score + prob * unseen;
    for (let d = 0; d < dim; d++) {
      const v = point[d];
      const lo = box[base + 2 * d];
      const hi = -box[base + 2 * d + 1];
      const gap = v > hi ? v - hi : v < lo ? lo - v : 0;
      attr[d] = (1 - prob) * attr[d] + (unseen * gap) / newRange;
    }
  }
  return score;
}
