// AssemblyScript (0.28), not TypeScript: the next step after session 36's spike (commit 8151623, docs/engine/wasmScoreSpike.ts) towards a WebAssembly score (issue 20,
// docs/engine.md, "The next step"). Not part of the engine. It reads a forest's arrays in the engine's own layout —
// 16-bit index arrays (nodes, box slots, leaf references and masses, paths), the forest's one box pool, the point
// store — and leaves in each tree what StreamingTree.insert reads after a score (`scored`): the path, its depth and
// leaf, the walk's levels, their gaps and the first level's range sum. The forest's score is returned as the engine
// sums it, tree by tree in order, each normalised by log2(mass + 1) from the engine's own table, so the result is
// bit for bit StreamingForest.score's before its division by the number of trees.
// Build: npx -y -p assemblyscript@0.28.20 asc docs/engine/wasmScoreKernel.ts -O3 --noAssert --importMemory --runtime stub -o /tmp/kernel.wasm

// A tree's record: 16 i32 at tbl + 64·t.
const NODES = 0; // i16[4·capacity]: left, right, cut dimension, mass
const CUT = 4; // f32[capacity]
const SLOT = 8; // i16[capacity]: box slot or −1
const LEAF_REF = 12; // i16[capacity]
const LEAF_MASS = 16; // i16[capacity]
const PATH = 20; // i16[capacity + 1] (output)
const GAPS = 24; // f64[32] (output)
const ROOT = 28; // i32 (input; NONE = 0x7fffffff for an empty tree)
const MASS = 32; // i32 total mass (input)
const DEPTH = 36; // i32 (output)
const LEAF = 40; // i32 (output)
const LEVELS = 44; // i32 (output)
const FIRST_RANGE = 48; // f64 (output)
const KEPT = 32;

@inline function i16at(p: i32, i: i32): i32 { return <i32>load<i16>(p + (i << 1)); }
@inline function f32at(p: i32, i: i32): f64 { return <f64>load<f32>(p + (i << 2)); }
@inline function f64at(p: i32, i: i32): f64 { return load<f64>(p + (i << 3)); }

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
    const e0 = tbl + (t << 6), e1 = e0 + 64, e2 = e1 + 64, e3 = e2 + 64;
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
    const e = tbl + (t << 6);
    let node = load<i32>(e, ROOT);
    let depth = 0;
    while (node >= 0) { node = step(e, node, depth, qP); depth++; }
    sum = sum + fromLeaf(e, node, depth, boxP, sumP, ptsP, qP, wP, listP, invP, log2P, dim);
  }
  return sum;
}
