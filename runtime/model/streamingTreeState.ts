import { StreamingTree } from "./streamingTree";
import { NONE } from "./treeArrays";

/**
 * Serialised tree: nodes renumbered in preorder, leaves referring to compacted point slots; typed arrays, so
 * the binary state codec stores them as they are.
 */
export interface StreamingTreeState {
  /** Root reference: >= 0 internal node, < 0 leaf `~index`, null when empty. */
  readonly root: number | null;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly cutDim: Int32Array;
  readonly cutValue: Float64Array;
  readonly leafRef: Int32Array;
  readonly leafMass: Int32Array;
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


export function treeToState(tree: StreamingTree, slotMap: Int32Array): StreamingTreeState {
  const left: number[] = [];
  const right: number[] = [];
  const cutDim: number[] = [];
  const cutValue: number[] = [];
  const leafRef: number[] = [];
  const leafMass: number[] = [];
  const encode = (root: number | null): StreamingTreeState => ({
    root,
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    cutDim: Int32Array.from(cutDim),
    cutValue: Float64Array.from(cutValue),
    leafRef: Int32Array.from(leafRef),
    leafMass: Int32Array.from(leafMass),
  });
  if (tree.root === NONE) return encode(null);
  const visit = (ref: number): number => {
    if (ref < 0) {
      leafRef.push(slotMap[tree.leafRef[~ref]]);
      leafMass.push(tree.leafMass[~ref]);
      return ~(leafRef.length - 1);
    }
    const id = cutDim.length;
    cutDim.push(tree.nodes[ref * 4 + 2]);
    cutValue.push(tree.cutValue[ref]);
    left.push(0);
    right.push(0);
    left[id] = visit(tree.nodes[ref * 4]);
    right[id] = visit(tree.nodes[ref * 4 + 1]);
    return id;
  };
  return encode(visit(tree.root));
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
