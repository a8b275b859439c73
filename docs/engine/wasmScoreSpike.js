#!/usr/bin/env node
// Harness of the WebAssembly score spike (docs/engine.md, "The score in WebAssembly"; issue 20). Not part of the
// engine or of `npm test`: a measurement, kept so that it can be repeated.
//
//   npx -y -p assemblyscript@0.28.20 asc docs/engine/wasmScoreSpike.ts -O3 --noAssert --importMemory --runtime stub -o /tmp/score.wasm
//   node docs/engine/wasmScoreSpike.js /tmp/score.wasm [dims ...]      (default 5 20 40 80)
//
// Per dimension: a forest of 50 trees x 256 samples learns 8,000 points of the bench's data (5 inputs shingled to
// the dimension), its arrays are copied into WebAssembly memory, and 3,000 further points are scored three ways,
// alternating, 9 reps, each way's fastest rep by CPU time: the forest's own `score` (four descents interleaved),
// the trees' `score` one at a time, and the WebAssembly `forestScores`. First it checks that every per-tree score of
// the WebAssembly code equals the engine's bit for bit (300 points x 50 trees). One JSON line per dimension.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
require("tsx/cjs");
const root = join(__dirname, "..", "..");
const { StreamingForest } = require(join(root, "runtime/model/streamingForest.ts"));
const { normalMixture, shingled } = require(join(root, "bench/benchData.ts"));

const [wasmFile, ...dimArgs] = process.argv.slice(2);
if (!wasmFile) {
  process.stderr.write("usage: node docs/engine/wasmScoreSpike.js WASM_FILE [dims ...]\n");
  process.exit(2);
}
const wasm = new WebAssembly.Module(readFileSync(wasmFile));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

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
  const memory = new WebAssembly.Memory({ initial: 2048 });
  const { exports: kernel } = new WebAssembly.Instance(wasm, { env: { memory, abort: () => { throw new Error("abort"); } } });
  const buf = memory.buffer;
  let top = 1024;
  const put = (array, kind) => {
    top = (top + 7) & ~7;
    const at = top;
    const View = kind === "i32" ? Int32Array : kind === "f32" ? Float32Array : Float64Array;
    new View(buf, at, array.length).set(array);
    top += View.BYTES_PER_ELEMENT * array.length;
    return at;
  };
  const points = put(trees[0].points, "f32");
  // The forest's box pool, shared by its trees (runtime/model/boxPool.ts), copied once.
  const box = put(trees[0].box, "f32");
  const rangeSum = put(trees[0].rangeSum, "f64");
  const table = put(new Int32Array(8 * trees.length), "i32");
  const tableView = new Int32Array(buf, table, 8 * trees.length);
  trees.forEach((t, i) => {
    tableView.set([put(t.nodes, "i32"), put(t.cutValue, "f32"), put(t.boxSlot, "i32"), box, rangeSum, put(t.leafRef, "i32"), put(t.inverseLevel, "f64"), t.root], 8 * i);
  });
  const norms = Float64Array.from(trees, (t) => t.log2Mass1[t.totalMass]);
  const q = put(new Float64Array(dims), "f64");
  const w = put(new Float64Array(2 * dims), "f64");
  const list = put(new Int32Array(2 * dims), "i32");
  const paths = put(new Int32Array(4 * 64), "i32");
  const out = put(new Float64Array(trees.length), "f64");
  const qView = new Float64Array(buf, q, dims);
  const wView = new Float64Array(buf, w, 2 * dims);
  const outView = new Float64Array(buf, out, trees.length);
  const wasmScores = (p) => {
    for (let d = 0; d < dims; d++) {
      qView[d] = p[d];
      wView[2 * d] = p[d];
      wView[2 * d + 1] = -p[d];
    }
    kernel.forestScores(table, trees.length, points, q, w, list, paths, out, dims);
  };
  // NaN: the leaf holds the point itself (rare); the engine scores that case.
  const wasmForest = (p) => {
    wasmScores(p);
    let sum = 0;
    for (let i = 0; i < trees.length; i++) {
      const s = outView[i];
      sum = sum + (s !== s ? trees[i].score(p) : s * norms[i]);
    }
    return sum / trees.length;
  };
  const P = all.slice(learn, learn + queries).map((x) => Float64Array.from(x, Math.fround));
  let differing = 0;
  for (const p of P.slice(0, 300)) {
    wasmScores(p);
    for (let i = 0; i < trees.length; i++) if (outView[i] === outView[i] && outView[i] * norms[i] !== trees[i].score(p)) differing++;
  }
  const ways = {
    forest: () => P.reduce((s, p) => s + forest.score(p), 0),
    oneByOne: () => P.reduce((s, p) => s + trees.reduce((a, t) => a + t.score(p), 0) / trees.length, 0),
    wasm: () => P.reduce((s, p) => s + wasmForest(p), 0),
  };
  const best = { forest: 0, oneByOne: 0, wasm: 0 };
  for (let rep = 0; rep < 9; rep++) {
    for (const [name, run] of Object.entries(ways)) {
      const t0 = cpuMs();
      run();
      best[name] = Math.max(best[name], queries / ((cpuMs() - t0) / 1000));
    }
  }
  const r = (x) => Math.round(x * 100) / 100;
  return {
    dims,
    differingTreeScores: differing,
    scorePerSec: { forest: Math.round(best.forest), oneByOne: Math.round(best.oneByOne), wasm: Math.round(best.wasm) },
    wasmOverForest: r(best.wasm / best.forest),
    forestOverOneByOne: r(best.forest / best.oneByOne),
  };
}

for (const d of dimArgs.length > 0 ? dimArgs.map(Number) : [5, 20, 40, 80]) console.log(JSON.stringify(measure(d)));
