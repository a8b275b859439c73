import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ForestArena, type ArenaPool } from "../../../runtime/model/forestArena";
import { Random } from "../../../runtime/model/random";
import { StreamingForest } from "../../../runtime/model/streamingForest";

const ROOT = join(__dirname, "../../..");

/** A seeded stream with what the kernel's branches meet: shingle-like overlaps, repeats, constant runs, outliers. */
function stream(n: number, dim: number, seed: number): number[][] {
  const rng = new Random(seed);
  const rows: number[][] = [];
  let level = 0;
  for (let i = 0; i < n; i++) {
    if (i % 500 === 250) level += 3;
    if (i % 97 === 5 && rows.length > 0) {
      rows.push([...rows[rows.length - 1]]); // the same point again: leaves of mass > 1, the score's equal-leaf case
      continue;
    }
    const row = Array.from({ length: dim }, (_, d) => (i % 311 < 20 ? d : level + rng.normal() * (1 + (d % 3))));
    if (i % 401 === 7) row[i % dim] += 40; // a lone outlier: a walk up to the root
    rows.push(row);
  }
  return rows;
}

/** Scores then updates `rows` on a forest; returns every score. */
function run(forest: StreamingForest, rows: readonly number[][]): number[] {
  return rows.map((r) => {
    const s = forest.score(r);
    forest.update(r);
    return s;
  });
}

describe("the forest's WebAssembly kernel", () => {
  it("is embedded as the build of its source (wasm/forestKernel.ts)", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin/buildKernel.js"), "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it.each([3, 20, 40])("scores and learns bit for bit as the TypeScript engine at %i dimensions, and leaves the same forest", (dim) => {
    const rows = stream(2500, dim, dim);
    const options = { dimensions: dim, numTrees: 12, sampleSize: 64, seed: dim + 1 };
    const ts = new StreamingForest({ ...options, wasm: false });
    const wasm = new StreamingForest(options);
    expect(ts.engine).toBe("typescript");
    expect(wasm.engine).toBe("wasm");
    const a = run(ts, rows);
    const b = run(wasm, rows);
    expect(b).toEqual(a);
    expect(a.filter((s) => s > 0).length).toBeGreaterThan(2400);
    // Updates not preceded by a score of the same point take the insert's own walk (the kernel's descent).
    for (const r of rows.slice(0, 300)) {
      ts.update(r.map((v) => v + 0.5));
      wasm.update(r.map((v) => v + 0.5));
    }
    wasm.validate();
    expect(wasm.toState()).toEqual(ts.toState());
    // Attribution and imputation read the same arrays in TypeScript.
    const attrA = new Float64Array(dim);
    const attrB = new Float64Array(dim);
    expect(wasm.scoreWithAttribution(rows[7], attrB)).toBe(ts.scoreWithAttribution(rows[7], attrA));
    expect(attrB).toEqual(attrA);
  });

  it("continues bit for bit after a state round trip, restored with or without the kernel", () => {
    const rows = stream(1600, 6, 9);
    const forest = new StreamingForest({ dimensions: 6, numTrees: 10, sampleSize: 48, seed: 4 });
    run(forest, rows.slice(0, 800));
    const state = forest.toState();
    const viaWasm = StreamingForest.fromState(state);
    const viaTs = StreamingForest.fromState(state, false);
    expect([viaWasm.engine, viaTs.engine]).toEqual(["wasm", "typescript"]);
    // The kernel places the sampled points and builds the boxes in one call per tree: the same trees, box for box.
    viaWasm.validate();
    expect(viaWasm.toState()).toEqual(state);
    const rest = rows.slice(800);
    const expected = run(forest, rest);
    expect(run(viaWasm, rest)).toEqual(expected);
    expect(run(viaTs, rest)).toEqual(expected);
  });

  it.each([3, 20])("restores at %i dimensions as the TypeScript engine does, and refuses a sample its cuts do not separate with the same message", (dim) => {
    const forest = new StreamingForest({ dimensions: dim, numTrees: 8, sampleSize: 64, seed: 3 });
    run(forest, stream(700, dim, dim + 2));
    const state = forest.toState();
    const viaWasm = StreamingForest.fromState(state);
    const viaTs = StreamingForest.fromState(state, false);
    viaWasm.validate();
    viaTs.validate();
    const probe = stream(50, dim, 77);
    expect(probe.map((r) => viaWasm.score(r))).toEqual(probe.map((r) => viaTs.score(r)));
    // Every point left of the root's cut: two points reach one leaf (the first such point in sampler order is named).
    const cuts = Float32Array.from(state.trees[1].cutValue);
    cuts[0] = 1e9;
    const bad = { ...state, trees: state.trees.map((t, i) => (i === 1 ? { ...t, cutValue: cuts } : t)) };
    const messageOf = (wasm: boolean): string => {
      try {
        StreamingForest.fromState(bad, wasm);
      } catch (err) {
        return (err as Error).message;
      }
      return "no error";
    };
    expect(messageOf(true)).toMatch(/tree state: points \d+ and \d+ reach the same leaf \d+: the cuts do not separate the sample/);
    expect(messageOf(true)).toBe(messageOf(false));
  });

  it("runs in TypeScript where 16-bit indices do not reach (more nodes, points or box slots than 32,767)", () => {
    const forest = new StreamingForest({ dimensions: 2, numTrees: 200, sampleSize: 256, seed: 1 });
    expect(forest.engine).toBe("typescript");
    forest.update([1, 2]);
    expect(forest.score([1, 2])).toBeGreaterThan(0);
    expect(ForestArena.forForest(2, 127, 256)).toBeDefined();
    expect(ForestArena.forForest(2, 128, 256)).toBeUndefined();
  });

  it("runs in TypeScript, with the same results, when no WebAssembly memory can be had (address space used up)", () => {
    // (A function, not an arrow: it is called with `new`.)
    const spy = vi.spyOn(WebAssembly, "Memory").mockImplementation(function () {
      throw new RangeError("WebAssembly.Memory(): could not allocate memory");
    });
    let starved: StreamingForest;
    try {
      starved = new StreamingForest({ dimensions: 4, numTrees: 6, sampleSize: 32, seed: 5 });
    } finally {
      spy.mockRestore();
    }
    expect(starved.engine).toBe("typescript");
    const rows = stream(300, 4, 5);
    expect(run(starved, rows)).toEqual(run(new StreamingForest({ dimensions: 4, numTrees: 6, sampleSize: 32, seed: 5 }), rows));
  });

  it("holds the arrays the TypeScript engine holds (the store and pool grow in their room), plus the kernel's records and tables", () => {
    const rows = stream(4000, 40, 3);
    const ts = new StreamingForest({ dimensions: 40, numTrees: 20, sampleSize: 128, seed: 2, wasm: false });
    const wasm = new StreamingForest({ dimensions: 40, numTrees: 20, sampleSize: 128, seed: 2 });
    run(ts, rows);
    run(wasm, rows);
    const extra = 20 * 128 + 2 * 8 * 131 + 4 * 80; // records, the two tables, the scratch list
    expect(wasm.memoryBytes()).toBe(ts.memoryBytes() + extra);
    // A plain memory (not shared): V8 counts it towards collection, so dropped forests are collected.
    const arena = (wasm as unknown as { arena: ForestArena }).arena;
    expect(arena.memory.buffer).toBeInstanceOf(ArrayBuffer);
    expect(arena.usedBytes()).toBeLessThan(arena.reservedBytes());
  });
});

describe("ForestArena", () => {
  /** A pool stand-in that records the arrays it is handed. */
  const poolOf = (box: Float32Array, rangeSum: Float64Array): ArenaPool & { handed: number } => ({
    box,
    rangeSum,
    handed: 0,
    replaceArrays(b: Float32Array, r: Float64Array) {
      this.box = b;
      this.rangeSum = r;
      this.handed++;
    },
  });

  it("moves the store and pool into their room on sealing and grows each in place, keeping every value", () => {
    const arena = ForestArena.forForest(3, 4, 16) as ForestArena;
    const fixed = arena.f64(5);
    fixed.set([1, 2, 3, 4, 5]);
    const store = { values: Float32Array.from({ length: 9 }, (_, i) => i + 0.5) };
    const pool = poolOf(Float32Array.from({ length: 12 }, (_, i) => -i), Float64Array.from([7, 8]));
    arena.seal(store, pool);
    expect(store.values.buffer).toBe(arena.memory.buffer);
    expect(pool.handed).toBe(1);
    // The store grows to its most points (4 trees × 16 + 1, 3 floats each): the pool and fixed arrays untouched.
    const bigger = arena.growStore(store.values, 3 * 65);
    expect(Array.from(bigger.subarray(0, 9))).toEqual(Array.from({ length: 9 }, (_, i) => i + 0.5));
    expect(bigger.subarray(9).every((v) => v === 0)).toBe(true);
    expect(Array.from(pool.box)).toEqual(Array.from({ length: 12 }, (_, i) => -i));
    expect(Array.from(fixed)).toEqual([1, 2, 3, 4, 5]);
    // The pool grows: boxes and range sums kept, new slots zero.
    const grown = arena.growPool(pool.box, pool.rangeSum, 5, 6);
    expect(Array.from(grown.box.subarray(0, 12))).toEqual(Array.from({ length: 12 }, (_, i) => -i));
    expect(grown.box.subarray(12).every((v) => v === 0)).toBe(true);
    expect(Array.from(grown.rangeSum)).toEqual([7, 8, 0, 0, 0]);
    expect(Array.from(bigger.subarray(0, 3))).toEqual([0.5, 1.5, 2.5]);
    expect(arena.usedBytes()).toBe(8 + 40 + 4 * 3 * 65 + 4 * 5 * 6 + 8 * 5); // (the first 8 bytes are left unused)
    // Past the configuration's most, a growth is a bug: it says so rather than writing over the next region.
    expect(() => arena.growStore(bigger, 3 * 66)).toThrow("the point store's 198 floats exceed its room of 195");
    expect(() => arena.growPool(grown.box, grown.rangeSum, 4 * 17 + 1, 6)).toThrow("the box pool's 69 slots exceed its room of 68");
  });

  it("refuses what would break its layout: fixed arrays after the seal, a second seal, 32-bit indices", () => {
    const arena = ForestArena.forForest(2, 2, 8) as ForestArena;
    expect(() => arena.index(4, 40_000)).toThrow("an index array for capacity 40000 would be 32-bit; the kernel reads 16-bit indices");
    const store = { values: new Float32Array(4) };
    const pool = poolOf(new Float32Array(8), new Float64Array(2));
    arena.seal(store, pool);
    expect(() => arena.f32(3)).toThrow("forest arena is sealed: fixed-size arrays come before the store and the pool");
    expect(() => arena.seal(store, pool)).toThrow("forest arena is sealed already");
  });
});
