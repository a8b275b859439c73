import { StreamingTree } from "./streamingTree";
import { NONE } from "./treeArrays";

/** An array of integers as stored: the narrowest typed array that holds every value (see {@link narrowInts}). */
export type IntArray = Int16Array | Uint16Array | Int32Array;

/**
 * Serialised tree: nodes renumbered in preorder, leaves referring to compacted point slots; typed arrays, so
 * the binary state codec stores them as they are, integers in the narrowest type that holds them (a tree of
 * 256 samples stores its links in 16 bits, not 32: the state needs no compression pass).
 */
export interface StreamingTreeState {
  /** Root reference: >= 0 internal node, < 0 leaf `~index`, null when empty. */
  readonly root: number | null;
  readonly left: IntArray;
  readonly right: IntArray;
  readonly cutDim: IntArray;
  readonly cutValue: Float64Array;
  readonly leafRef: IntArray;
  readonly leafMass: IntArray;
}

/** `values` in an Int16Array, Uint16Array or Int32Array: the narrowest that holds them all. */
export function narrowInts(values: ArrayLike<number>): IntArray {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo >= -32768 && hi <= 32767) return Int16Array.from(values);
  if (lo >= 0 && hi <= 65535) return Uint16Array.from(values);
  return Int32Array.from(values);
}

/**
 * Checks the tree's invariants (masses add up, parents link back, every box contains its subtree's points,
 * every cut separates its children) and throws naming the first violation. O(size · dim); for tests and
 * after loading untrusted state.
 */
export function validateTree(tree: StreamingTree): void {
  if (tree.root === NONE) {
    if (tree.totalMass !== 0) throw new Error(`empty tree has mass ${tree.totalMass}`);
    return;
  }
  const dim = tree.dim;
  const check = (ref: number, parent: number, lo: Float64Array, hi: Float64Array): number => {
    if (ref < 0) {
      const leaf = ~ref;
      if (tree.leafParent[leaf] !== parent) throw new Error(`leaf ${leaf} has parent ${tree.leafParent[leaf]}, expected ${parent}`);
      if (tree.leafMass[leaf] < 1) throw new Error(`leaf ${leaf} has mass ${tree.leafMass[leaf]}`);
      const b = tree.leafRef[leaf] * dim;
      for (let d = 0; d < dim; d++) {
        const v = tree.points[b + d];
        if (v < lo[d] || v > hi[d]) throw new Error(`leaf ${leaf} lies outside an ancestor's box or cut on dimension ${d}`);
      }
      return tree.leafMass[leaf];
    }
    if (tree.parent[ref] !== parent) throw new Error(`node ${ref} has parent ${tree.parent[ref]}, expected ${parent}`);
    const base = ref * 2 * dim;
    const blo = new Float64Array(dim);
    const bhi = new Float64Array(dim);
    for (let d = 0; d < dim; d++) {
      blo[d] = Math.max(lo[d], tree.box[base + 2 * d]);
      bhi[d] = Math.min(hi[d], tree.box[base + 2 * d + 1]);
    }
    let rs = 0;
    for (let d = 0; d < dim; d++) rs += tree.box[base + 2 * d + 1] - tree.box[base + 2 * d];
    if (Math.abs(rs - tree.rangeSum[ref]) > 1e-9 * (1 + rs)) throw new Error(`node ${ref} caches range sum ${tree.rangeSum[ref]}, its box sums to ${rs}`);
    const cd = tree.nodes[ref * 4 + 2];
    const cv = tree.cutValue[ref];
    const llo = blo.slice();
    const lhi = bhi.slice();
    lhi[cd] = Math.min(lhi[cd], cv);
    const rlo = blo.slice();
    const rhi = bhi.slice();
    rlo[cd] = Math.max(rlo[cd], nextUp(cv)); // the right side holds points strictly above the cut
    const m = check(tree.nodes[ref * 4], ref, llo, lhi) + check(tree.nodes[ref * 4 + 1], ref, rlo, rhi);
    if (m !== tree.nodes[ref * 4 + 3]) throw new Error(`node ${ref} has mass ${tree.nodes[ref * 4 + 3]}, its children hold ${m}`);
    return m;
  };
  const lo = new Float64Array(dim).fill(-Infinity);
  const hi = new Float64Array(dim).fill(Infinity);
  const total = check(tree.root, -1, lo, hi);
  if (total !== tree.totalMass) throw new Error(`tree mass ${tree.totalMass} differs from its leaves' ${total}`);
}


/** The tree in preorder: nodes and leaves renumbered in the order a depth-first walk meets them. */
export function treeToState(tree: StreamingTree, slotMap: Int32Array): StreamingTreeState {
  const nodes = tree.capacity - tree.freeNodeTop;
  const leaves = tree.capacity - tree.freeLeafTop;
  const left = new Int32Array(nodes);
  const right = new Int32Array(nodes);
  const cutDim = new Int32Array(nodes);
  const cutValue = new Float64Array(nodes);
  const leafRef = new Int32Array(leaves);
  const leafMass = new Int32Array(leaves);
  if (tree.root === NONE) return { root: null, left: narrowInts(left), right: narrowInts(right), cutDim: narrowInts(cutDim), cutValue, leafRef: narrowInts(leafRef), leafMass: narrowInts(leafMass) };
  let nextNode = 0;
  let nextLeaf = 0;
  const visit = (ref: number): number => {
    if (ref < 0) {
      const id = nextLeaf++;
      leafRef[id] = slotMap[tree.leafRef[~ref]];
      leafMass[id] = tree.leafMass[~ref];
      return ~id;
    }
    const id = nextNode++;
    cutDim[id] = tree.nodes[ref * 4 + 2];
    cutValue[id] = tree.cutValue[ref];
    left[id] = visit(tree.nodes[ref * 4]);
    right[id] = visit(tree.nodes[ref * 4 + 1]);
    return id;
  };
  const root = visit(tree.root);
  if (nextNode !== nodes || nextLeaf !== leaves) throw new Error(`tree holds ${nextNode} nodes and ${nextLeaf} leaves reachable from its root, ${nodes} and ${leaves} allocated`);
  return { root, left: narrowInts(left), right: narrowInts(right), cutDim: narrowInts(cutDim), cutValue, leafRef: narrowInts(leafRef), leafMass: narrowInts(leafMass) };
}

/** Rebuilds the tree from its state; masses, parents and bounding boxes are recomputed from the leaves. */
export function restoreTree(s: StreamingTreeState, dim: number, capacity: number, points: Float64Array): StreamingTree {
  const t = new StreamingTree(dim, capacity, points);
  const nodes = s.cutDim.length;
  const leaves = s.leafRef.length;
  if (s.left.length !== nodes || s.right.length !== nodes || s.cutValue.length !== nodes) throw new Error("tree state is inconsistent: node arrays differ in length");
  if (s.leafMass.length !== leaves) throw new Error("tree state is inconsistent: leaf arrays differ in length");
  if (nodes > capacity || leaves > capacity) throw new Error(`tree state holds ${nodes} nodes and ${leaves} leaves, more than the capacity ${capacity}`);
  if (s.root === null) return t;
  const pointCount = points.length / dim;
  const badRef = (r: number) => !Number.isInteger(r) || r >= nodes || ~r >= leaves;
  if (badRef(s.root)) throw new Error(`tree state: root ${s.root} refers to no node or leaf`);
  for (let n = 0; n < nodes; n++) {
    if (badRef(s.left[n]) || badRef(s.right[n])) throw new Error(`tree state: node ${n} has a child that is no node or leaf`);
    if (s.cutDim[n] < 0 || s.cutDim[n] >= dim) throw new Error(`tree state: node ${n} cuts dimension ${s.cutDim[n]}, not in [0, ${dim})`);
  }
  for (let l = 0; l < leaves; l++) {
    if (s.leafRef[l] < 0 || s.leafRef[l] >= pointCount) throw new Error(`tree state: leaf ${l} refers to point ${s.leafRef[l]}, not in [0, ${pointCount})`);
  }
  for (let n = 0; n < nodes; n++) {
    t.nodes[4 * n] = s.left[n];
    t.nodes[4 * n + 1] = s.right[n];
    t.nodes[4 * n + 2] = s.cutDim[n];
  }
  t.cutValue.set(s.cutValue);
  t.leafRef.set(s.leafRef);
  t.leafMass.set(s.leafMass);
  t.freeNodeTop = 0;
  for (let i = capacity - 1; i >= nodes; i--) t.freeNodes[t.freeNodeTop++] = i;
  t.freeLeafTop = 0;
  for (let i = capacity - 1; i >= leaves; i--) t.freeLeaves[t.freeLeafTop++] = i;
  t.root = s.root;
  const fix = (ref: number, parent: number): number => {
    if (ref < 0) {
      t.leafParent[~ref] = parent;
      return t.leafMass[~ref];
    }
    t.parent[ref] = parent;
    const m = fix(t.nodes[ref * 4], ref) + fix(t.nodes[ref * 4 + 1], ref);
    t.nodes[ref * 4 + 3] = m;
    t.recomputeBox(ref);
    return m;
  };
  t.totalMass = fix(s.root, -1);
  return t;
}

const bits = new DataView(new ArrayBuffer(8));

/** The smallest double greater than x (finite x). */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  bits.setFloat64(0, x);
  const b = bits.getBigInt64(0);
  bits.setBigInt64(0, x > 0 ? b + 1n : b - 1n);
  return bits.getFloat64(0);
}
