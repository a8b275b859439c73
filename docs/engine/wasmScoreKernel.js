#!/usr/bin/env node
// Harness of wasmScoreKernel.ts (docs/engine.md, "The next step"; issue 20). Not part of the engine or of `npm test`.
//
//   npx -y -p assemblyscript@0.28.20 asc docs/engine/wasmScoreKernel.ts -O3 --noAssert --importMemory --runtime stub -o /tmp/kernel.wasm
//   node docs/engine/wasmScoreKernel.js /tmp/kernel.wasm [dims ...]      (default 5 20 40 80)
//
// Per dimension: a forest of 50 trees x 256 samples learns 8,000 points of the bench's data; its arrays are copied
// into WebAssembly memory as they are (16-bit indices, the forest's box pool and point store once). Then for 1,000
// further points it checks that the kernel's forest score equals StreamingForest.score's bit for bit and that each
// tree's path, depth, leaf, walk levels, kept gaps and first range sum equal what the engine's own score leaves for
// its insert; and it times 3,000 points score-only, the engine's `score` against the kernel, alternating, 9 reps,
// each one's fastest by CPU time. One JSON line per dimension.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
require("tsx/cjs");
const root = join(__dirname, "..", "..");
const { StreamingForest } = require(join(root, "runtime/model/streamingForest.ts"));
const { WALK_KEPT } = require(join(root, "runtime/model/treeArrays.ts"));
const { normalMixture, shingled } = require(join(root, "bench/benchData.ts"));

const [wasmFile, ...dimArgs] = process.argv.slice(2);
if (!wasmFile) {
  process.stderr.write("usage: node docs/engine/wasmScoreKernel.js WASM_FILE [dims ...]\n");
  process.exit(2);
}
const wasm = new WebAssembly.Module(readFileSync(wasmFile));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// Record layout (i32 offsets / 4), as in wasmScoreKernel.ts.
const R = { nodes: 0, cut: 1, slot: 2, leafRef: 3, leafMass: 4, path: 5, gaps: 6, root: 7, mass: 8, depth: 9, leaf: 10, levels: 11, firstRange: 12 };

function measure(dims) {
  const learn = 8000;
  const queries = 3000;
  const shingle = dims / 5;
  const all = shingled(normalMixture(5, learn + queries + shingle - 1, 7), shingle);
  const forest = new StreamingForest({ dimensions: dims, numTrees: 50, sampleSize: 256, seed: 7 });
  for (let i = 0; i < learn; i++) {
    forest.score(all[i]);
    forest.update(all[i]);
  }
  const trees = forest.trees;
  if (!(trees[0].nodes instanceof Int16Array) || !(trees[0].leafRef instanceof Int16Array)) throw new Error("the kernel reads 16-bit indices");
  const memory = new WebAssembly.Memory({ initial: 2048 });
  const { exports: kernel } = new WebAssembly.Instance(wasm, { env: { memory, abort: () => { throw new Error("abort"); } } });
  const buf = memory.buffer;
  let top = 1024;
  const put = (array) => {
    top = (top + 7) & ~7;
    const at = top;
    const View = array.constructor;
    new View(buf, at, array.length).set(array);
    top += array.byteLength;
    return at;
  };
  const points = put(trees[0].points);
  const box = put(trees[0].box);
  const rangeSum = put(trees[0].rangeSum);
  const inv = put(trees[0].inverseLevel);
  const log2 = put(trees[0].log2Mass1);
  const table = put(new Int32Array(16 * trees.length));
  const rec = new Int32Array(buf, table, 16 * trees.length);
  const f64rec = new Float64Array(buf, table, 8 * trees.length);
  const paths = [];
  const gaps = [];
  trees.forEach((t, i) => {
    const path = put(t.path);
    const g = put(t.walkGap);
    paths.push(new Int16Array(buf, path, t.path.length));
    gaps.push(new Float64Array(buf, g, t.walkGap.length));
    rec.set([put(t.nodes), put(t.cutValue), put(t.boxSlot), put(t.leafRef), put(t.leafMass), path, g, t.root, t.totalMass], 16 * i);
  });
  const q = put(new Float64Array(dims));
  const w = put(new Float64Array(2 * dims));
  const list = put(new Int32Array(2 * dims));
  const qView = new Float64Array(buf, q, dims);
  const wView = new Float64Array(buf, w, 2 * dims);
  const kernelScore = (p) => {
    for (let d = 0; d < dims; d++) {
      qView[d] = p[d];
      wView[2 * d] = p[d];
      wView[2 * d + 1] = -p[d];
    }
    return kernel.forestScore(table, trees.length, box, rangeSum, points, q, w, list, inv, log2, dims) / trees.length;
  };
  const P = all.slice(learn, learn + queries).map((x) => Float64Array.from(x, Math.fround));
  let differingScores = 0;
  let differingWalks = 0;
  for (const p of P.slice(0, 1000)) {
    const ks = kernelScore(p);
    if (ks !== forest.score(p)) differingScores++;
    trees.forEach((t, i) => {
      const o = 16 * i;
      let same = rec[o + R.depth] === t.pathDepth && rec[o + R.leaf] === t.pathLeaf;
      for (let k = 0; same && k < t.pathDepth; k++) same = paths[i][k] === t.path[k];
      if (same && !t.leafHolds(p) && t.walkLevels > 0) {
        same = rec[o + R.levels] === t.walkLevels && f64rec[(o + R.firstRange) / 2] === t.walkFirstRange;
        for (let k = 0; same && k < Math.min(t.walkLevels, WALK_KEPT); k++) same = gaps[i][k] === t.walkGap[k];
      }
      if (!same) differingWalks++;
    });
  }
  const ways = { forest: () => P.reduce((s, p) => s + forest.score(p), 0), kernel: () => P.reduce((s, p) => s + kernelScore(p), 0) };
  const best = { forest: 0, kernel: 0 };
  for (let rep = 0; rep < 9; rep++) {
    for (const [name, run] of Object.entries(ways)) {
      const t0 = cpuMs();
      run();
      best[name] = Math.max(best[name], queries / ((cpuMs() - t0) / 1000));
    }
  }
  return {
    dims,
    differingScores,
    differingWalks,
    scorePerSec: { forest: Math.round(best.forest), kernel: Math.round(best.kernel) },
    kernelOverForest: Math.round((best.kernel / best.forest) * 100) / 100,
  };
}

for (const d of dimArgs.length > 0 ? dimArgs.map(Number) : [5, 20, 40, 80]) console.log(JSON.stringify(measure(d)));
