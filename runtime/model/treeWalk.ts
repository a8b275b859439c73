import type { StreamingTree } from "./streamingTree";
import { WALK_KEPT } from "./treeArrays";

/** Module-local copy: an imported binding is a getter call per use under CommonJS. */
const KEPT = WALK_KEPT;

/**
 * The walk back up of a score (the reference RCF's AnomalyScoreVisitor) in `t`, whose last descent (`path`,
 * `pathDepth`) ended at a leaf not holding the point `w` (box form: w[2d] = v_d, w[2d + 1] = −v_d). At each
 * ancestor the point would have been cut off with probability gap / (range sum + gap), gap being how far it lies
 * outside the box summed over dimensions; the walk ends at the root or at the first box holding the point (every
 * ancestor's does too). Returns the tree's score before its normalisation by log2(mass + 1).
 *
 * The first level scans every dimension (TreeBoxes.outsideBounds); higher levels revisit only the bounds the point
 * was still outside of (the lane's list), **three levels per pass**: a level's box loads are an L1 miss each, and
 * one level at a time they wait in turn, behind the branch that decides whether the walk goes on. Boxes nest, so
 * a bound the point lies inside of at one level adds exactly +0 to an ancestor's gap: reading a level's
 * ancestors over its list gives the gaps one level at a time would, bit for bit, in the same order. A pass past
 * the level where the walk ends (or past the root: the root's box read again) costs reads, not results.
 * A fresh forest's score+update against one level per pass (two trees' walks interleaved in one loop), timed from
 * both sides (`node bin/run-ts.js bench/forestAbMain.ts --against <checkout> --points 20000 --reps 7 --both-sides`,
 * 2026-12-04): 1.12 / 1.14 / 1.17 / 1.13× at 5 / 20 / 40 / 80 dimensions, scores bit-identical. Four levels per pass
 * gained nothing more (0.98 / 0.99 / 0.98 / 1.04× against three), and two trees' three-level walks interleaved in one
 * loop did no better than one at a time (1.08 / 1.04 / 1.04 / 0.87×), so a walk is one tree's, in one place.
 *
 * Each level's gap (up to {@link WALK_KEPT} levels) and the first level's range sum are kept for the insert of the
 * same point (StreamingTree.insert), the number of levels in `walkLevels`.
 */
export function walkUp(t: StreamingTree, w: Float64Array): number {
  const path = t.path;
  let l = t.pathDepth - 1;
  let sc = 1 / (l + 2);
  const o = l >= 0 && t.outsideBounds(path[l], w);
  let g0 = t.gap;
  let r0 = t.range;
  t.walkFirstRange = r0;
  if (!o) {
    t.walkLevels = 0;
    return sc;
  }
  const list = t.lane.list;
  let m = t.lane.m;
  const box = t.box;
  const slots = t.boxSlot;
  const sums = t.rangeSum;
  const inv = t.inverseLevel;
  const gaps = t.walkGap;
  const stride = 2 * t.dim;
  let i = 0;
  // Each pass: record level l (outside, gap g0, range sum r0), then read levels l − 1, l − 2 and l − 3 (renumbered
  // l, l − 1, l − 2 after the decrement; clamped at the root) over one list, compacted to the highest one's bounds.
  for (;;) {
    if (i < KEPT) gaps[i] = g0;
    i++;
    const p0 = g0 / (r0 + g0);
    sc = (1 - p0) * sc + p0 * inv[l];
    if (--l < 0) break;
    const s1 = slots[path[l]];
    const s2 = slots[path[l > 0 ? l - 1 : 0]];
    const s3 = slots[path[l > 1 ? l - 2 : 0]];
    const b1 = s1 * stride;
    const b2 = s2 * stride;
    const b3 = s3 * stride;
    let gap1 = 0;
    let gap2 = 0;
    let gap3 = 0;
    let k1 = 0;
    let k2 = 0;
    let k3 = 0;
    for (let j = 0; j < m; j++) {
      const off = list[j];
      const v = w[off];
      const x = box[b1 + off] - v;
      const y = box[b2 + off] - v;
      const z = box[b3 + off] - v;
      gap1 += 0.5 * (x + Math.abs(x));
      gap2 += 0.5 * (y + Math.abs(y));
      gap3 += 0.5 * (z + Math.abs(z));
      k1 += +(x > 0);
      k2 += +(y > 0);
      list[k3] = off;
      k3 += +(z > 0);
    }
    if (k1 === 0) break;
    if (i < KEPT) gaps[i] = gap1;
    i++;
    const p1 = gap1 / (sums[s1] + gap1);
    sc = (1 - p1) * sc + p1 * inv[l];
    if (--l < 0 || k2 === 0) break;
    if (i < KEPT) gaps[i] = gap2;
    i++;
    const p2 = gap2 / (sums[s2] + gap2);
    sc = (1 - p2) * sc + p2 * inv[l];
    if (--l < 0 || k3 === 0) break;
    m = k3;
    g0 = gap3;
    r0 = sums[s3];
  }
  t.walkLevels = i;
  return sc;
}
