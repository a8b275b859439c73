// AssemblyScript 0.28 (not TypeScript; excluded from tsc and eslint): the forest engine's hot loops in WebAssembly
// (issue 20, docs/engine.md). Every function reads and writes a forest's arrays where runtime/model/forestArena.ts
// keeps them, in one WebAssembly memory per forest, in the engine's own layout: 16-bit index arrays (nodes,
// box slots, leaf references and masses, paths), the forest's box pool (float32 boxes as (min, −max) per dimension,
// float64 range sums) and its point store (float32). Each function is the TypeScript engine's own loop, operation for
// operation, so the two give the same results bit for bit (test/runtime/model/forestKernel.test.ts checks it):
// forestScore = StreamingForest.score's tree loop (treeScoring.ts, treeWalk.ts), descendRef = descendFrom +
// leafHolds, shrink = TreeBoxes.shrinkBoxes, extendUp = the insert's extendBounds, computeBox = TreeBoxes.computeBox,
// cutAndKeep = outsideBounds + separate + keepBounds, splitCut = splitLeaf's cut; and for a restored tree
// (restoreKernel.ts) placeRefs = restoreTree's descents, computeBoxes = its fixBox per node. The record's layout and
// the shared reads and box helpers are in kernelRecord.ts.
//
// Built by `npm run build:kernel` (bin/buildKernel.js) from this entry file into runtime/model/forestKernelBinary.ts;
// a test checks that the embedded binary is the build of these sources.

import { CUT, CUT_AT, CUT_DIM, DEPTH, FIRST_RANGE, GAPS, HOLDS, KEPT, LEAF, LEAF_MASS, LEAF_REF, LEVELS, MASS, NODES, PATH, ROOT, SLOT, boundOf, boxOf, cutStep, f32at, f64at, i16at, kindOf, qOf, rOf, rangeSumOf, resolveChild, wOf } from "./kernelRecord";

export { computeBoxes, placeRefs } from "./restoreKernel";

/** The rest of a tree's score once its descent reached `node` (a ~leaf) at `depth`, its path written. */
@inline function fromLeaf(e: i32, node: i32, depth: i32, boxP: i32, sumP: i32, ptsP: i32, qP: i32, wP: i32, listP: i32,
    invP: i32, log2P: i32, dim: i32): f64 {
  const nodesP = load<i32>(e, NODES);
  const slotP = load<i32>(e, SLOT);
  const leafRefP = load<i32>(e, LEAF_REF);
  const pathP = load<i32>(e, PATH);
  const gapsP = load<i32>(e, GAPS);
  const mass = load<i32>(e, MASS);
  const leaf = ~node;
  store<i32>(e + DEPTH, depth);
  store<i32>(e + LEAF, leaf);
  const lb = i16at(leafRefP, leaf) * dim;
  let equal = true;
  for (let d = 0; d < dim; d++) if (f32at(ptsP, lb + d) != f64at(qP, d)) { equal = false; break; }
  if (equal) {
    const lm = i16at(load<i32>(e, LEAF_MASS), leaf);
    return (1 - <f64>lm / (2 * <f64>mass)) / (<f64>depth + f64at(log2P, lm)) * f64at(log2P, mass);
  }
  let l = depth - 1;
  let sc = 1.0 / <f64>(l + 2);
  let m = 0;
  let gap = 0.0;
  let range = 0.0;
  if (l >= 0) {
    const n = i16at(pathP, l);
    const s = i16at(slotP, n);
    if (s < 0) {
      const pa = i16at(leafRefP, ~i16at(nodesP, n << 2)) * dim;
      const pb = i16at(leafRefP, ~i16at(nodesP, (n << 2) + 1)) * dim;
      for (let d = 0; d < dim; d++) {
        const v = f64at(wP, 2 * d);
        const x = f32at(ptsP, pa + d);
        const y = f32at(ptsP, pb + d);
        const a = x - v;
        const b = y - v;
        const below = i32(a > 0) & i32(b > 0);
        const above = i32(a < 0) & i32(b < 0);
        const aa = abs(a);
        const bb = abs(b);
        gap += <f64>(below | above) * select<f64>(bb, aa, bb < aa);
        range += abs(x - y);
        store<i32>(listP + (m << 2), 2 * d + above);
        m += below | above;
      }
    } else {
      const base = s * 2 * dim;
      const end = 2 * dim;
      for (let off = 0; off < end; off += 2) {
        const lo = f32at(boxP, base + off) - f64at(wP, off);
        const hi = f32at(boxP, base + off + 1) - f64at(wP, off + 1);
        const g = 0.5 * (lo + abs(lo) + (hi + abs(hi)));
        gap += g;
        store<i32>(listP + (m << 2), off + i32(hi > 0));
        m += i32(g > 0);
      }
      range = f64at(sumP, s);
    }
  }
  store<f64>(e + FIRST_RANGE, range);
  let i = 0;
  if (m > 0) {
    for (;;) {
      if (i < KEPT) store<f64>(gapsP + (i << 3), gap);
      i++;
      const p0 = gap / (range + gap);
      sc = (1 - p0) * sc + p0 * f64at(invP, l);
      if (--l < 0) break;
      const s1 = i16at(slotP, i16at(pathP, l));
      const s2 = i16at(slotP, i16at(pathP, l > 0 ? l - 1 : 0));
      const s3 = i16at(slotP, i16at(pathP, l > 1 ? l - 2 : 0));
      const b1 = s1 * 2 * dim;
      const b2 = s2 * 2 * dim;
      const b3 = s3 * 2 * dim;
      let g1 = 0.0, g2 = 0.0, g3 = 0.0;
      let k1 = 0, k2 = 0, k3 = 0;
      for (let j = 0; j < m; j++) {
        const off = load<i32>(listP + (j << 2));
        const v = f64at(wP, off);
        const x = f32at(boxP, b1 + off) - v;
        const y = f32at(boxP, b2 + off) - v;
        const z = f32at(boxP, b3 + off) - v;
        g1 += 0.5 * (x + abs(x));
        g2 += 0.5 * (y + abs(y));
        g3 += 0.5 * (z + abs(z));
        k1 += i32(x > 0);
        k2 += i32(y > 0);
        store<i32>(listP + (k3 << 2), off);
        k3 += i32(z > 0);
      }
      if (k1 == 0) break;
      if (i < KEPT) store<f64>(gapsP + (i << 3), g1);
      i++;
      const p1 = g1 / (f64at(sumP, s1) + g1);
      sc = (1 - p1) * sc + p1 * f64at(invP, l);
      if (--l < 0 || k2 == 0) break;
      if (i < KEPT) store<f64>(gapsP + (i << 3), g2);
      i++;
      const p2 = g2 / (f64at(sumP, s2) + g2);
      sc = (1 - p2) * sc + p2 * f64at(invP, l);
      if (--l < 0 || k3 == 0) break;
      m = k3;
      gap = g3;
      range = f64at(sumP, s3);
    }
  }
  store<i32>(e + LEVELS, i);
  return sc * f64at(log2P, mass);
}

@inline function step(e: i32, node: i32, depth: i32, qP: i32): i32 {
  store<i16>(load<i32>(e, PATH) + (depth << 1), <i16>node);
  const nodesP = load<i32>(e, NODES);
  const k = node << 2;
  return i16at(nodesP, k + i32(f64at(qP, i16at(nodesP, k + 2)) > f32at(load<i32>(e, CUT), node)));
}

/**
 * The sum over `n` trees (records at `tbl`) of each tree's normalised score of the point `q` (box form `w`), four
 * trees' descents at a time; every tree must be non-empty. `listP`: i32 scratch of 2·dim entries.
 */
export function forestScore(tbl: i32, n: i32, boxP: i32, sumP: i32, ptsP: i32, qP: i32, wP: i32, listP: i32, invP: i32,
    log2P: i32, dim: i32): f64 {
  let sum = 0.0;
  let t = 0;
  for (; t + 3 < n; t += 4) {
    const e0 = tbl + (t << 7), e1 = e0 + 128, e2 = e1 + 128, e3 = e2 + 128;
    let u = load<i32>(e0, ROOT), x = load<i32>(e1, ROOT), y = load<i32>(e2, ROOT), z = load<i32>(e3, ROOT);
    let du = 0, dx = 0, dy = 0, dz = 0;
    while ((u & x & y & z) >= 0) {
      if (u >= 0) { u = step(e0, u, du, qP); du++; }
      if (x >= 0) { x = step(e1, x, dx, qP); dx++; }
      if (y >= 0) { y = step(e2, y, dy, qP); dy++; }
      if (z >= 0) { z = step(e3, z, dz, qP); dz++; }
    }
    sum = sum + fromLeaf(e0, u, du, boxP, sumP, ptsP, qP, wP, listP, invP, log2P, dim);
    sum = sum + fromLeaf(e1, x, dx, boxP, sumP, ptsP, qP, wP, listP, invP, log2P, dim);
    sum = sum + fromLeaf(e2, y, dy, boxP, sumP, ptsP, qP, wP, listP, invP, log2P, dim);
    sum = sum + fromLeaf(e3, z, dz, boxP, sumP, ptsP, qP, wP, listP, invP, log2P, dim);
  }
  for (; t < n; t++) {
    const e = tbl + (t << 7);
    let node = load<i32>(e, ROOT);
    let depth = 0;
    while (node >= 0) { node = step(e, node, depth, qP); depth++; }
    sum = sum + fromLeaf(e, node, depth, boxP, sumP, ptsP, qP, wP, listP, invP, log2P, dim);
  }
  return sum;
}

// ---- The update's loops ----

/**
 * Descends from `node` by the point stored at slot `ref`, writing the path; sets DEPTH, LEAF and HOLDS (whether the
 * leaf holds that point) in the record; returns the depth. As StreamingTree.descendFrom + leafHolds.
 */
export function descendRef(e: i32, node: i32, ptsP: i32, ref: i32, dim: i32): i32 {
  const nodesP = load<i32>(e, NODES);
  const cutP = load<i32>(e, CUT);
  const pathP = load<i32>(e, PATH);
  const pb = ref * dim;
  let depth = 0;
  while (node >= 0) {
    store<i16>(pathP + (depth << 1), <i16>node);
    depth++;
    node = cutStep(nodesP, cutP, ptsP, pb, node);
  }
  const leaf = ~node;
  store<i32>(e + DEPTH, depth);
  store<i32>(e + LEAF, leaf);
  const lb = i16at(load<i32>(e, LEAF_REF), leaf) * dim;
  let holds = 1;
  for (let d = 0; d < dim; d++) if (f32at(ptsP, lb + d) != f32at(ptsP, pb + d)) { holds = 0; break; }
  store<i32>(e + HOLDS, holds);
  return depth;
}

/**
 * StreamingTree.delete's box shrink (TreeBoxes.shrinkBoxes) for the point at slot `ref`, from path level `level` up.
 * `listP`: i32 scratch of 2·dim entries.
 */
export function shrink(e: i32, level: i32, boxP: i32, sumP: i32, ptsP: i32, ref: i32, listP: i32, dim: i32): void {
  const nodesP = load<i32>(e, NODES);
  const slotP = load<i32>(e, SLOT);
  const leafRefP = load<i32>(e, LEAF_REF);
  const pathP = load<i32>(e, PATH);
  while (level >= 0 && i16at(slotP, i16at(pathP, level)) < 0) level--;
  if (level < 0) return;
  const end = 2 * dim;
  const pb = ref * dim;
  let base = i16at(slotP, i16at(pathP, level)) * end;
  let m = 0;
  for (let off = 0; off < end; off++) {
    store<i32>(listP + (m << 2), off);
    m += i32(f32at(boxP, base + off) == wOf(ptsP, pb, off));
  }
  for (; level >= 0 && m > 0; level--) {
    const n = i16at(pathP, level);
    const s = i16at(slotP, n);
    base = s * end;
    const c0 = i16at(nodesP, n << 2);
    const c1 = i16at(nodesP, (n << 2) + 1);
    const ch0 = resolveChild(c0, nodesP, slotP, leafRefP, dim);
    const ch1 = resolveChild(c1, nodesP, slotP, leafRefP, dim);
    const k0 = kindOf(ch0), q0 = qOf(ch0), r0 = rOf(ch0), k1 = kindOf(ch1), q1 = qOf(ch1), r1 = rOf(ch1);
    let k = 0;
    for (let i = 0; i < m; i++) {
      const off = load<i32>(listP + (i << 2));
      const x = boundOf(k0, q0, r0, off, boxP, ptsP);
      const y = boundOf(k1, q1, r1, off, boxP, ptsP);
      const v = select<f64>(y, x, y < x);
      const moved = i32(f32at(boxP, base + off) != v);
      store<f32>(boxP + ((base + off) << 2), <f32>v);
      store<i32>(listP + (k << 2), off);
      k += moved;
    }
    if (k > 0) rangeSumOf(boxP, sumP, s, dim);
    m = k;
  }
}

/**
 * StreamingTree.insert's extension of the stored boxes from path level `from` down to `top` (TreeBoxes.extendBounds
 * at each level with a stored box) over the kept bounds (i16 at keptP, nKept of them), for the point at slot `ref`.
 * Returns the kept count left.
 */
export function extendUp(e: i32, from: i32, top: i32, boxP: i32, sumP: i32, ptsP: i32, ref: i32, keptP: i32, nKept: i32, dim: i32): i32 {
  const slotP = load<i32>(e, SLOT);
  const pathP = load<i32>(e, PATH);
  const pb = ref * dim;
  const end = 2 * dim;
  for (let i = from; i >= top; i--) {
    const s = i16at(slotP, i16at(pathP, i));
    if (s < 0) continue;
    const base = s * end;
    let k = 0;
    for (let j = 0; j < nKept; j++) {
      const off = i16at(keptP, j);
      const b = f32at(boxP, base + off);
      const wv = wOf(ptsP, pb, off);
      const out = i32(wv < b);
      store<f32>(boxP + ((base + off) << 2), <f32>select<f64>(wv, b, wv < b));
      store<i16>(keptP + (k << 1), <i16>off);
      k += out;
    }
    nKept = k;
    if (k > 0) rangeSumOf(boxP, sumP, s, dim);
  }
  return nKept;
}

/** TreeBoxes.computeBox for node `n` into slot `s`. */
export function computeBox(e: i32, n: i32, s: i32, boxP: i32, sumP: i32, ptsP: i32, dim: i32): void {
  boxOf(e, n, s, boxP, sumP, ptsP, dim);
}

/**
 * The insert's cut (StreamingTree.insert after its walk): lists into `keptP` (i16) the bounds of node `n`'s box
 * (stored, or a twig's) that the point at slot `ref` lies outside of, as outsideBounds + keepBounds; when
 * `doSeparate`, picks the cut `r` into the gap as StreamingTree.separate (CUT_DIM, CUT_AT). Returns the count kept.
 */
export function cutAndKeep(e: i32, n: i32, doSeparate: i32, r: f64, boxP: i32, ptsP: i32, ref: i32, keptP: i32, dim: i32): i32 {
  const nodesP = load<i32>(e, NODES);
  const slotP = load<i32>(e, SLOT);
  const leafRefP = load<i32>(e, LEAF_REF);
  const pb = ref * dim;
  const s = i16at(slotP, n);
  let m = 0;
  let pa = 0, pc = 0;
  if (s < 0) {
    pa = i16at(leafRefP, ~i16at(nodesP, n << 2)) * dim;
    pc = i16at(leafRefP, ~i16at(nodesP, (n << 2) + 1)) * dim;
    for (let d = 0; d < dim; d++) {
      const v = f32at(ptsP, pb + d);
      const a = f32at(ptsP, pa + d) - v;
      const b = f32at(ptsP, pc + d) - v;
      const below = i32(a > 0) & i32(b > 0);
      const above = i32(a < 0) & i32(b < 0);
      store<i16>(keptP + (m << 1), <i16>(2 * d + above));
      m += below | above;
    }
  } else {
    const base = s * 2 * dim;
    const end = 2 * dim;
    for (let off = 0; off < end; off += 2) {
      const lo = f32at(boxP, base + off) - wOf(ptsP, pb, off);
      const hi = f32at(boxP, base + off + 1) - wOf(ptsP, pb, off + 1);
      const g = 0.5 * (lo + abs(lo) + (hi + abs(hi)));
      store<i16>(keptP + (m << 1), <i16>(off + i32(hi > 0)));
      m += i32(g > 0);
    }
  }
  if (doSeparate) {
    for (let i = 0; i < m; i++) {
      const off = i16at(keptP, i);
      let bound: f64;
      if (s >= 0) bound = f32at(boxP, s * 2 * dim + off);
      else { const x = wOf(ptsP, pa, off); const y = wOf(ptsP, pc, off); bound = select<f64>(y, x, y < x); }
      const g = bound - wOf(ptsP, pb, off);
      if (r < g || i == m - 1) {
        const d = off >> 1;
        const v = f32at(ptsP, pb + d);
        store<i32>(e + CUT_DIM, d);
        if (!(off & 1)) {
          const cut = <f64><f32>(v + r);
          store<f64>(e + CUT_AT, cut < bound ? cut : v);
        } else {
          const max = -bound;
          const cut = <f64><f32>(max + r);
          store<f64>(e + CUT_AT, cut < v ? cut : max);
        }
        break;
      }
      r -= g;
    }
  }
  return m;
}

/** StreamingTree.splitLeaf's cut between leaf `leaf`'s point and slot `ref`'s, `u` the draw: CUT_DIM, CUT_AT. */
export function splitCut(e: i32, leaf: i32, ptsP: i32, ref: i32, u: f64, dim: i32): void {
  const lb = i16at(load<i32>(e, LEAF_REF), leaf) * dim;
  const pb = ref * dim;
  let total = 0.0;
  for (let d = 0; d < dim; d++) total += abs(f32at(ptsP, lb + d) - f32at(ptsP, pb + d));
  let r = u * total;
  let cd = 0;
  for (; cd < dim; cd++) {
    const range = abs(f32at(ptsP, lb + cd) - f32at(ptsP, pb + cd));
    if (range > 0 && (r < range || cd == dim - 1)) break;
    r -= range;
  }
  if (cd == dim) for (cd = dim - 1; f32at(ptsP, lb + cd) == f32at(ptsP, pb + cd); cd--);
  const x = f32at(ptsP, lb + cd);
  const y = f32at(ptsP, pb + cd);
  const lo = min(x, y);
  const hi = max(x, y);
  let cv = <f64><f32>(lo + min(r, hi - lo));
  if (!(cv >= lo && cv < hi)) cv = lo;
  store<i32>(e + CUT_DIM, cd);
  store<f64>(e + CUT_AT, cv);
}
