import type { StreamingTree } from "./streamingTree";
import { NONE } from "./treeArrays";

/**
 * Serialised tree: nodes renumbered in preorder, leaves referring to compacted point slots; typed arrays the
 * binary state codec stores as they are, integers in the narrowest type that holds them (a tree of 256 samples
 * stores its links in 16 bits), cut values in float32. Boxes are not stored: they are the exact bounds of the
 * leaves' points, recomputed on restore.
 */
export interface StreamingTreeState {
  /** Root reference: >= 0 internal node, < 0 leaf `~index`, null when empty. */
  readonly root: number | null;
  readonly left: IntArray;
  readonly right: IntArray;
  readonly cutDim: IntArray;
  readonly cutValue: Float32Array;
  readonly leafRef: IntArray;
  readonly leafMass: IntArray;
}

/** An array of integers as stored: the narrowest typed array that holds every value (see {@link narrowInts}). */
export type IntArray = Int16Array | Uint16Array | Int32Array;

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
 * Checks the tree's invariants and throws naming the first violation: masses add up; every cut separates its
 * children (left at or below it, right above it); a twig (two leaf children) has no stored box and every other
 * node a box of its own that is exactly its subtree's bounds, with its range sum; the free lists and the box
 * pool account for every node, leaf and slot. O(size · dim); for tests and after loading untrusted state.
 */
export function validateTree(tree: StreamingTree): void {
  if (tree.root === NONE) {
    if (tree.totalMass !== 0) throw new Error(`empty tree has mass ${tree.totalMass}`);
    if (tree.nodeCount() !== 0 || tree.leafCount() !== 0 || tree.boxesInUse() !== 0) throw new Error("empty tree holds nodes, leaves or boxes");
    return;
  }
  const dim = tree.dim;
  const slots = new Set<number>();
  let internal = 0;
  let leaves = 0;
  /** Fills lo/hi with the subtree's bounds; returns its mass. */
  const check = (ref: number, lo: Float64Array, hi: Float64Array): number => {
    if (ref < 0) {
      const leaf = ~ref;
      leaves++;
      if (tree.leafMass[leaf] < 1) throw new Error(`leaf ${leaf} has mass ${tree.leafMass[leaf]}`);
      const b = tree.leafRef[leaf] * dim;
      for (let d = 0; d < dim; d++) lo[d] = hi[d] = tree.points[b + d];
      return tree.leafMass[leaf];
    }
    internal++;
    const leavesBefore = leaves;
    const llo = new Float64Array(dim);
    const lhi = new Float64Array(dim);
    const rlo = new Float64Array(dim);
    const rhi = new Float64Array(dim);
    const left = tree.nodes[ref * 4];
    const right = tree.nodes[ref * 4 + 1];
    const m = check(left, llo, lhi) + check(right, rlo, rhi);
    if (m !== tree.nodes[ref * 4 + 3]) throw new Error(`node ${ref} has mass ${tree.nodes[ref * 4 + 3]}, its children hold ${m}`);
    const cd = tree.nodes[ref * 4 + 2];
    const cv = tree.cutValue[ref];
    if (!(lhi[cd] <= cv && rlo[cd] > cv)) throw new Error(`node ${ref}'s cut at ${cv} on dimension ${cd} does not separate its children`);
    for (let d = 0; d < dim; d++) {
      lo[d] = Math.min(llo[d], rlo[d]);
      hi[d] = Math.max(lhi[d], rhi[d]);
    }
    const slot = tree.boxSlot[ref];
    const leavesUnder = leaves - leavesBefore;
    if (leavesUnder < 4) {
      if (slot >= 0) throw new Error(`node ${ref} holds box slot ${slot} with ${leavesUnder} leaves under it`);
      return m;
    }
    if (slot < 0) throw new Error(`node ${ref} has ${leavesUnder} leaves under it and no stored box`);
    if (slots.has(slot)) throw new Error(`box slot ${slot} is held by two nodes`);
    slots.add(slot);
    const base = slot * 2 * dim;
    let range = 0;
    for (let d = 0; d < dim; d++) {
      if (tree.box[base + 2 * d] !== lo[d] || -tree.box[base + 2 * d + 1] !== hi[d]) throw new Error(`node ${ref}'s box is not its points' bounds on dimension ${d}`);
      range += hi[d] - lo[d];
    }
    if (tree.rangeSum[slot] !== range) throw new Error(`node ${ref} caches range sum ${tree.rangeSum[slot]}, its box sums to ${range}`);
    return m;
  };
  const total = check(tree.root, new Float64Array(dim), new Float64Array(dim));
  if (total !== tree.totalMass) throw new Error(`tree mass ${tree.totalMass} differs from its leaves' ${total}`);
  if (internal !== tree.nodeCount()) throw new Error(`tree holds ${internal} nodes, its free list accounts for ${tree.nodeCount()}`);
  if (leaves !== tree.leafCount()) throw new Error(`tree holds ${leaves} leaves, its free list accounts for ${tree.leafCount()}`);
  if (slots.size !== tree.boxesInUse()) throw new Error(`tree holds ${slots.size} boxes, its pool accounts for ${tree.boxesInUse()}`);
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
    left: narrowInts(left),
    right: narrowInts(right),
    cutDim: narrowInts(cutDim),
    cutValue: Float32Array.from(cutValue),
    leafRef: narrowInts(leafRef),
    leafMass: narrowInts(leafMass),
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

/** Rebuilds a tree from its state into the empty tree `t`; masses and bounding boxes are recomputed from the leaves. */
export function restoreTree(s: StreamingTreeState, t: StreamingTree): StreamingTree {
  const { dim, capacity, points } = t;
  const nodes = s.cutDim.length;
  const leaves = s.leafRef.length;
  if (s.left.length !== nodes || s.right.length !== nodes || s.cutValue.length !== nodes) throw new Error("tree state is inconsistent: node arrays differ in length");
  if (s.leafMass.length !== leaves) throw new Error("tree state is inconsistent: leaf arrays differ in length");
  if (nodes >= capacity || leaves > capacity) throw new Error(`tree state holds ${nodes} nodes and ${leaves} leaves, more than the capacity ${capacity}`);
  if (s.root === null) return t;
  const pointCount = points.length / dim;
  const badRef = (r: number) => !Number.isInteger(r) || r >= nodes || ~r >= leaves;
  if (badRef(s.root)) throw new Error(`tree state: root ${s.root} refers to no node or leaf`);
  for (let n = 0; n < nodes; n++) {
    // Preorder numbering: a child comes after its parent (which rules out cycles).
    if (badRef(s.left[n]) || badRef(s.right[n]) || (s.left[n] >= 0 && s.left[n] <= n) || (s.right[n] >= 0 && s.right[n] <= n)) throw new Error(`tree state: node ${n} has a child that is no node or leaf after it`);
    if (s.cutDim[n] < 0 || s.cutDim[n] >= dim) throw new Error(`tree state: node ${n} cuts dimension ${s.cutDim[n]}, not in [0, ${dim})`);
  }
  for (let l = 0; l < leaves; l++) {
    if (s.leafRef[l] < 0 || s.leafRef[l] >= pointCount) throw new Error(`tree state: leaf ${l} refers to point ${s.leafRef[l]}, not in [0, ${pointCount})`);
    if (s.leafMass[l] < 1 || s.leafMass[l] > capacity) throw new Error(`tree state: leaf ${l} has mass ${s.leafMass[l]}, not in [1, ${capacity}]`);
  }
  for (let n = 0; n < nodes; n++) {
    t.nodes[4 * n] = s.left[n];
    t.nodes[4 * n + 1] = s.right[n];
    t.nodes[4 * n + 2] = s.cutDim[n];
    t.boxSlot[n] = -1;
  }
  t.cutValue.set(s.cutValue);
  for (let l = 0; l < leaves; l++) t.leafRef[l] = s.leafRef[l];
  for (let l = 0; l < leaves; l++) t.leafMass[l] = s.leafMass[l];
  t.resetFreeLists(nodes, leaves);
  t.root = s.root;
  const fix = (ref: number): number => {
    if (ref < 0) return t.leafMass[~ref];
    const m = fix(t.nodes[ref * 4]) + fix(t.nodes[ref * 4 + 1]);
    if (m > capacity) throw new Error(`tree state: node ${ref} holds ${m} points, more than the capacity ${capacity}`);
    t.nodes[ref * 4 + 3] = m;
    t.fixBox(ref);
    return m;
  };
  t.totalMass = fix(s.root);
  return t;
}
