import type { StreamingTree } from "./streamingTree";
import { NONE } from "./treeArrays";

/** A module-local copy: an imported binding is a getter call per use under CommonJS. */
const EMPTY = NONE;

/*
 * Scoring several trees of a forest at once. A descent is a chain of dependent loads (node -> cut dimension ->
 * point value -> child), latency-bound; a walk back up a chain of box loads and divisions. Run side by side in
 * one loop, the CPU overlaps the chains of different trees instead of waiting out each in turn. Every tree's
 * arithmetic is that of StreamingTree.score, and the scores are added in tree order, so the sums are bit for bit
 * those of one `score` call per tree.
 */

/**
 * {@link StreamingTree.score} of `point` in two trees at once, added to `sum[0]` in the order a, b (so the sum is the one of
 * two `score` calls). The descents are independent chains of dependent loads; run in one loop, the
 * CPU overlaps them instead of waiting out each level's load latency in turn. So are the walks back up.
 */
export function addScoresOfTwo(a: StreamingTree, b: StreamingTree, point: Float64Array, sum: Float64Array): void {
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
  addWalksOfTwo(a, b, point, sum);
}

/** {@link addScoresOfTwo} for four trees, added in the order a, b, c, e: four descents in flight. */
export function addScoresOfFour(a: StreamingTree, b: StreamingTree, c: StreamingTree, e: StreamingTree, point: Float64Array, sum: Float64Array): void {
  if (a.root === EMPTY || b.root === EMPTY || c.root === EMPTY || e.root === EMPTY) {
    addScoresOfTwo(a, b, point, sum);
    addScoresOfTwo(c, e, point, sum);
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
  let w = a.root;
  let x = b.root;
  let y = c.root;
  let z = e.root;
  let dw = 0;
  let dx = 0;
  let dy = 0;
  let dz = 0;
  while ((w | x | y | z) >= 0) {
    pa[dw++] = w;
    const kw = w << 2;
    w = na[kw + +(point[na[kw + 2]] > ca[w])];
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
  a.descendFrom(w, dw, point);
  b.descendFrom(x, dx, point);
  c.descendFrom(y, dy, point);
  e.descendFrom(z, dz, point);
  addWalksOfTwo(a, b, point, sum);
  addWalksOfTwo(c, e, point, sum);
}

/**
 * The rest of {@link StreamingTree.score} for two trees whose descents are done, added to `sum[0]` in the order a, b. When
 * both walk back up (the common case) the two walks run in one loop, each step for step as StreamingTree.walkBack.
 */
function addWalksOfTwo(a: StreamingTree, b: StreamingTree, point: Float64Array, sum: Float64Array): void {
  if (a.leafHolds(point) || b.leafHolds(point)) {
    a.scoreFromLeaf(point);
    b.scoreFromLeaf(point);
    sum[0] = sum[0] + a.result[0] + b.result[0];
    return;
  }
  const pa = a.path;
  const pb = b.path;
  const ra = a.rangeSum;
  const rb = b.rangeSum;
  let la = a.pathDepth - 1;
  let lb = b.pathDepth - 1;
  let sa = 1 / (la + 2);
  let sb = 1 / (lb + 2);
  let ga = 0;
  let gb = 0;
  let ma = 0;
  let mb = 0;
  let nodeA = 0;
  let nodeB = 0;
  if (la >= 0) {
    nodeA = pa[la];
    ma = a.outsideBounds(nodeA, point, 0);
    ga = a.gap;
  }
  if (lb >= 0) {
    nodeB = pb[lb];
    mb = b.outsideBounds(nodeB, point, 0);
    gb = b.gap;
  }
  // A walk ends at the root or at the first box holding the point (gap 0).
  while (ga > 0 && gb > 0) {
    const probA = ga / (ra[nodeA] + ga);
    sa = (1 - probA) * sa + probA / (la + 1);
    const probB = gb / (rb[nodeB] + gb);
    sb = (1 - probB) * sb + probB / (lb + 1);
    if (--la < 0) ga = 0;
    else {
      nodeA = pa[la];
      ma = a.narrowBounds(nodeA, ma, point, 0);
      ga = a.gap;
    }
    if (--lb < 0) gb = 0;
    else {
      nodeB = pb[lb];
      mb = b.narrowBounds(nodeB, mb, point, 0);
      gb = b.gap;
    }
  }
  while (ga > 0) {
    const prob = ga / (ra[nodeA] + ga);
    sa = (1 - prob) * sa + prob / (la + 1);
    if (--la < 0) break;
    nodeA = pa[la];
    ma = a.narrowBounds(nodeA, ma, point, 0);
    ga = a.gap;
  }
  while (gb > 0) {
    const prob = gb / (rb[nodeB] + gb);
    sb = (1 - prob) * sb + prob / (lb + 1);
    if (--lb < 0) break;
    nodeB = pb[lb];
    mb = b.narrowBounds(nodeB, mb, point, 0);
    gb = b.gap;
  }
  sum[0] = sum[0] + sa * a.log2Mass1[a.totalMass] + sb * b.log2Mass1[b.totalMass];
}
