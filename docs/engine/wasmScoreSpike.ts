// AssemblyScript (0.28), not TypeScript: a measurement spike of issue 20, not part of the engine (docs/engine.md,
// "The score in WebAssembly"). The score of every tree of a forest, as runtime/model/treeScoring.ts and
// treeWalk.ts compute it, over copies of a StreamingForest's arrays in WebAssembly memory: descents four trees at a
// time, then per tree the leaf check, the first level (a twig's two points or a stored box) and the walk back up
// three levels per pass. Index arrays are i32 here (the harness widens the engine's 16-bit ones); boxes, cuts and
// points f32; range sums, level weights, the query and its box form f64.
// Build: npx -y -p assemblyscript@0.28.20 asc docs/engine/wasmScoreSpike.ts -O3 --noAssert --importMemory --runtime stub -o /tmp/score.wasm
@inline function li(p: i32, i: i32): i32 { return load<i32>(p + (i << 2)); }
@inline function lf(p: i32, i: i32): f64 { return <f64>load<f32>(p + (i << 2)); }
@inline function ld(p: i32, i: i32): f64 { return load<f64>(p + (i << 3)); }

@inline function fromLeaf(nodesP: i32, slotP: i32, boxP: i32, sumP: i32, leafRefP: i32, ptsP: i32,
    qP: i32, wP: i32, listP: i32, pathP: i32, invP: i32, dim: i32, node: i32, depth: i32): f64 {
  const leaf = ~node;
  const lb = li(leafRefP, leaf) * dim;
  let equal = true;
  for (let d = 0; d < dim; d++) if (lf(ptsP, lb + d) != ld(qP, d)) { equal = false; break; }
  if (equal) return NaN; // the harness computes this rare case in JS
  let l = depth - 1;
  let sc = 1.0 / <f64>(l + 2);
  const n = li(pathP, l);
  const s = li(slotP, n);
  let m = 0;
  let gap = 0.0;
  let range = 0.0;
  if (s < 0) {
    const pa = li(leafRefP, ~li(nodesP, n << 2)) * dim;
    const pb = li(leafRefP, ~li(nodesP, (n << 2) + 1)) * dim;
    for (let d = 0; d < dim; d++) {
      const v = ld(wP, 2 * d);
      const x = lf(ptsP, pa + d);
      const y = lf(ptsP, pb + d);
      const a = x - v;
      const b = y - v;
      const span = abs(x - y);
      const below = i32(a > 0) & i32(b > 0);
      const above = i32(a < 0) & i32(b < 0);
      const aa = abs(a);
      const bb = abs(b);
      gap += <f64>(below | above) * select<f64>(bb, aa, bb < aa);
      range += span;
      store<i32>(listP + (m << 2), 2 * d + above);
      m += below | above;
    }
  } else {
    const base = s * 2 * dim;
    const end = 2 * dim;
    for (let off = 0; off < end; off += 2) {
      const lo = lf(boxP, base + off) - ld(wP, off);
      const hi = lf(boxP, base + off + 1) - ld(wP, off + 1);
      const g = 0.5 * (lo + abs(lo) + (hi + abs(hi)));
      gap += g;
      store<i32>(listP + (m << 2), off + i32(hi > 0));
      m += i32(g > 0);
    }
    range = ld(sumP, s);
  }
  if (m == 0) return sc;
  for (;;) {
    const p0 = gap / (range + gap);
    sc = (1 - p0) * sc + p0 * ld(invP, l);
    if (--l < 0) break;
    const s1 = li(slotP, li(pathP, l));
    const s2 = li(slotP, li(pathP, l > 0 ? l - 1 : 0));
    const s3 = li(slotP, li(pathP, l > 1 ? l - 2 : 0));
    const b1 = s1 * 2 * dim;
    const b2 = s2 * 2 * dim;
    const b3 = s3 * 2 * dim;
    let g1 = 0.0, g2 = 0.0, g3 = 0.0;
    let k1 = 0, k2 = 0, k3 = 0;
    for (let j = 0; j < m; j++) {
      const off = li(listP, j);
      const v = ld(wP, off);
      const x = lf(boxP, b1 + off) - v;
      const y = lf(boxP, b2 + off) - v;
      const z = lf(boxP, b3 + off) - v;
      g1 += 0.5 * (x + abs(x));
      g2 += 0.5 * (y + abs(y));
      g3 += 0.5 * (z + abs(z));
      k1 += i32(x > 0);
      k2 += i32(y > 0);
      store<i32>(listP + (k3 << 2), off);
      k3 += i32(z > 0);
    }
    if (k1 == 0) break;
    const p1 = g1 / (ld(sumP, s1) + g1);
    sc = (1 - p1) * sc + p1 * ld(invP, l);
    if (--l < 0 || k2 == 0) break;
    const p2 = g2 / (ld(sumP, s2) + g2);
    sc = (1 - p2) * sc + p2 * ld(invP, l);
    if (--l < 0 || k3 == 0) break;
    m = k3;
    gap = g3;
    range = ld(sumP, s3);
  }
  return sc;
}

// tbl: per tree 8 i32: nodes, cut, slot, box, sum, leafRef, inv, root. out: f64 per tree (NaN: leaf holds point).
export function forestScores(tbl: i32, n: i32, ptsP: i32, qP: i32, wP: i32, listP: i32, pathsP: i32, outP: i32, dim: i32): void {
  let t = 0;
  for (; t + 3 < n; t += 4) {
    const e0 = tbl + (t << 5), e1 = e0 + 32, e2 = e1 + 32, e3 = e2 + 32;
    const n0 = load<i32>(e0), n1 = load<i32>(e1), n2 = load<i32>(e2), n3 = load<i32>(e3);
    const c0 = load<i32>(e0, 4), c1 = load<i32>(e1, 4), c2 = load<i32>(e2, 4), c3 = load<i32>(e3, 4);
    const p0 = pathsP, p1 = pathsP + 256, p2 = pathsP + 512, p3 = pathsP + 768;
    let u = load<i32>(e0, 28), x = load<i32>(e1, 28), y = load<i32>(e2, 28), z = load<i32>(e3, 28);
    let du = 0, dx = 0, dy = 0, dz = 0;
    while ((u & x & y & z) >= 0) {
      if (u >= 0) { store<i32>(p0 + (du << 2), u); du++; const k = u << 2; u = li(n0, k + i32(ld(qP, li(n0, k + 2)) > lf(c0, u))); }
      if (x >= 0) { store<i32>(p1 + (dx << 2), x); dx++; const k = x << 2; x = li(n1, k + i32(ld(qP, li(n1, k + 2)) > lf(c1, x))); }
      if (y >= 0) { store<i32>(p2 + (dy << 2), y); dy++; const k = y << 2; y = li(n2, k + i32(ld(qP, li(n2, k + 2)) > lf(c2, y))); }
      if (z >= 0) { store<i32>(p3 + (dz << 2), z); dz++; const k = z << 2; z = li(n3, k + i32(ld(qP, li(n3, k + 2)) > lf(c3, z))); }
    }
    store<f64>(outP + (t << 3), fromLeaf(n0, load<i32>(e0, 8), load<i32>(e0, 12), load<i32>(e0, 16), load<i32>(e0, 20), ptsP, qP, wP, listP, p0, load<i32>(e0, 24), dim, u, du));
    store<f64>(outP + ((t + 1) << 3), fromLeaf(n1, load<i32>(e1, 8), load<i32>(e1, 12), load<i32>(e1, 16), load<i32>(e1, 20), ptsP, qP, wP, listP, p1, load<i32>(e1, 24), dim, x, dx));
    store<f64>(outP + ((t + 2) << 3), fromLeaf(n2, load<i32>(e2, 8), load<i32>(e2, 12), load<i32>(e2, 16), load<i32>(e2, 20), ptsP, qP, wP, listP, p2, load<i32>(e2, 24), dim, y, dy));
    store<f64>(outP + ((t + 3) << 3), fromLeaf(n3, load<i32>(e3, 8), load<i32>(e3, 12), load<i32>(e3, 16), load<i32>(e3, 20), ptsP, qP, wP, listP, p3, load<i32>(e3, 24), dim, z, dz));
  }
  for (; t < n; t++) {
    const e = tbl + (t << 5);
    const nd = load<i32>(e);
    const ct = load<i32>(e, 4);
    let node = load<i32>(e, 28);
    let depth = 0;
    while (node >= 0) { store<i32>(pathsP + (depth << 2), node); depth++; const k = node << 2; node = li(nd, k + i32(ld(qP, li(nd, k + 2)) > lf(ct, node))); }
    store<f64>(outP + (t << 3), fromLeaf(nd, load<i32>(e, 8), load<i32>(e, 12), load<i32>(e, 16), load<i32>(e, 20), ptsP, qP, wP, listP, pathsP, load<i32>(e, 24), dim, node, depth));
  }
}
