import type { StreamingTree } from "./streamingTree";
import { NONE } from "./treeArrays";

/** Module-local copies: an imported binding is a getter call per use under CommonJS. */
const EMPTY = NONE;

/*
 * Scoring several trees of a forest at once. A descent is a chain of dependent loads (node -> cut dimension ->
 * point value -> child), latency-bound: run side by side in one loop, the CPU overlaps the chains of different
 * trees instead of waiting out each in turn. Each tree then finishes as StreamingTree.score does
 * (StreamingTree.scoreFromLeaf: its walk back up is treeWalk.ts's, one tree at a time, which overlaps its own
 * levels instead), and the scores are added in tree order, so the sums are bit for bit those of one `score` call
 * per tree.
 */

/**
 * {@link StreamingTree.score} of `point` in two trees at once, added to `sum[0]` in the order a, b (so the sum is the one of
 * two `score` calls). The descents are independent chains of dependent loads; run in one loop, the
 * CPU overlaps them instead of waiting out each level's load latency in turn.
 */
export function addScoresOfTwo(a: StreamingTree, b: StreamingTree, point: Float64Array, w: Float64Array, sum: Float64Array): void {
  if (a.root === EMPTY || b.root === EMPTY) {
    sum[0] = sum[0] + a.score(point) + b.score(point);
    return;
  }
  const na = a.nodes;
  const ca = a.cutValue;
  const pa = a.path;
  const nb = b.nodes;
  const cb = b.cutValue;
  const pb = b.path;
  let x = a.root;
  let y = b.root;
  let dx = 0;
  let dy = 0;
  while ((x | y) >= 0) {
    pa[dx++] = x;
    const kx = x << 2;
    x = na[kx + +(point[na[kx + 2]] > ca[x])];
    pb[dy++] = y;
    const ky = y << 2;
    y = nb[ky + +(point[nb[ky + 2]] > cb[y])];
  }
  a.descendFrom(x, dx, point);
  b.descendFrom(y, dy, point);
  a.scoreFromLeaf(point, w);
  b.scoreFromLeaf(point, w);
  sum[0] = sum[0] + a.result[0] + b.result[0];
}

/** {@link addScoresOfTwo} for four trees, added in the order a, b, c, e: four descents in flight. */
export function addScoresOfFour(a: StreamingTree, b: StreamingTree, c: StreamingTree, e: StreamingTree, point: Float64Array, w: Float64Array, sum: Float64Array): void {
  if (a.root === EMPTY || b.root === EMPTY || c.root === EMPTY || e.root === EMPTY) {
    addScoresOfTwo(a, b, point, w, sum);
    addScoresOfTwo(c, e, point, w, sum);
    return;
  }
  const na = a.nodes;
  const ca = a.cutValue;
  const pa = a.path;
  const nb = b.nodes;
  const cb = b.cutValue;
  const pb = b.path;
  const nc = c.nodes;
  const cc = c.cutValue;
  const pc = c.path;
  const ne = e.nodes;
  const ce = e.cutValue;
  const pe = e.path;
  let u = a.root;
  let x = b.root;
  let y = c.root;
  let z = e.root;
  let du = 0;
  let dx = 0;
  let dy = 0;
  let dz = 0;
  while ((u | x | y | z) >= 0) {
    pa[du++] = u;
    const ku = u << 2;
    u = na[ku + +(point[na[ku + 2]] > ca[u])];
    pb[dx++] = x;
    const kx = x << 2;
    x = nb[kx + +(point[nb[kx + 2]] > cb[x])];
    pc[dy++] = y;
    const ky = y << 2;
    y = nc[ky + +(point[nc[ky + 2]] > cc[y])];
    pe[dz++] = z;
    const kz = z << 2;
    z = ne[kz + +(point[ne[kz + 2]] > ce[z])];
  }
  a.descendFrom(u, du, point);
  b.descendFrom(x, dx, point);
  c.descendFrom(y, dy, point);
  e.descendFrom(z, dz, point);
  a.scoreFromLeaf(point, w);
  b.scoreFromLeaf(point, w);
  c.scoreFromLeaf(point, w);
  e.scoreFromLeaf(point, w);
  sum[0] = sum[0] + a.result[0] + b.result[0] + c.result[0] + e.result[0];
}
