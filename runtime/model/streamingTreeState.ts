import type { StreamingTree } from "./streamingTree";
import { BOXED_LEAVES, NONE } from "./treeArrays";

/**
 * Serialised tree: internal nodes numbered in preorder, the shape one bit per node and leaf (1 internal, 0 leaf,
 * in preorder) instead of two links per node, cut dimensions in the narrowest integers (8 bits below 256
 * dimensions), cut values in float32. Leaves are not stored: every point of the tree's sampler descends by the
 * cuts to exactly one leaf (left at or below a cut, right above it), which gives each leaf its point and mass;
 * boxes and masses of internal nodes follow from the leaves. All are rebuilt on restore.
 */
export interface StreamingTreeState {
  /** Preorder shape, bit i (least significant first) = the i-th node or leaf in preorder is internal; empty for an empty tree. */
  readonly shape: Uint8Array;
  /** Per internal node in preorder: the cut's dimension and value. */
  readonly cutDim: IntArray;
  readonly cutValue: Float32Array;
}

/** An array of integers as stored: the narrowest typed array that holds every value (see {@link narrowInts}). */
export type IntArray = Uint8Array | Int16Array | Uint16Array | Int32Array;

/** `values` in a Uint8Array, Int16Array, Uint16Array or Int32Array: the narrowest that holds them all. */
export function narrowInts(values: ArrayLike<number>): IntArray {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo >= 0 && hi <= 255) return Uint8Array.from(values);
  if (lo >= -32768 && hi <= 32767) return Int16Array.from(values);
  if (lo >= 0 && hi <= 65535) return Uint16Array.from(values);
  return Int32Array.from(values);
}

/** Whether `a` is one of the integer arrays {@link narrowInts} returns. */
export function isIntArray(a: unknown): a is IntArray {
  return a instanceof Uint8Array || a instanceof Int16Array || a instanceof Uint16Array || a instanceof Int32Array;
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
    if (leavesUnder < BOXED_LEAVES) {
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

export function treeToState(tree: StreamingTree): StreamingTreeState {
  const shape: number[] = [];
  const cutDim: number[] = [];
  const cutValue: number[] = [];
  if (tree.root !== NONE) {
    // Iterative preorder: a stack of refs still to visit, the right child pushed first.
    const stack = [tree.root];
    while (stack.length > 0) {
      const ref = stack.pop() as number;
      if (ref < 0) {
        shape.push(0);
      } else {
        shape.push(1);
        cutDim.push(tree.nodes[ref * 4 + 2]);
        cutValue.push(tree.cutValue[ref]);
        stack.push(tree.nodes[ref * 4 + 1], tree.nodes[ref * 4]);
      }
    }
  }
  const bits = new Uint8Array(Math.ceil(shape.length / 8));
  shape.forEach((b, i) => (bits[i >> 3] |= b << (i & 7)));
  return { shape: bits, cutDim: narrowInts(cutDim), cutValue: Float32Array.from(cutValue) };
}

/** The leaf the point at slot `r` descends to from `root` by the tree's cuts (left at or below a cut). */
function leafOf(t: StreamingTree, root: number, r: number): number {
  const { nodes, cutValue, points, dim } = t;
  const at = r * dim;
  let ref = root;
  while (ref >= 0) ref = points[at + nodes[4 * ref + 2]] <= cutValue[ref] ? nodes[4 * ref] : nodes[4 * ref + 1];
  return ~ref;
}

/**
 * Rebuilds a tree from its state into the empty tree `t`, holding the points `refs` (its sampler's point slots,
 * with multiplicity): each descends by the cuts to its leaf. Throws when the shape is malformed, or a leaf gets
 * no point or two different ones (the cuts do not separate the sample). Masses and boxes are recomputed.
 */
export function restoreTree(s: StreamingTreeState, t: StreamingTree, refs: ArrayLike<number>): StreamingTree {
  const { dim, capacity, points } = t;
  const nodes = s.cutDim.length;
  const leaves = nodes + 1;
  if (s.cutValue.length !== nodes) throw new Error("tree state is inconsistent: cutDim and cutValue differ in length");
  if (s.shape.length === 0) {
    if (nodes !== 0 || refs.length !== 0) throw new Error(`tree state: an empty shape, but ${nodes} cuts and ${refs.length} sampled points`);
    return t;
  }
  if (nodes >= capacity) throw new Error(`tree state holds ${nodes} nodes, more than the capacity ${capacity}`);
  if (refs.length > capacity) throw new Error(`tree state: the sampler holds ${refs.length} points, more than the tree's capacity ${capacity}`);
  if (refs.length < leaves) throw new Error(`tree state: ${leaves} leaves, but the sampler holds ${refs.length} points`);
  if (s.shape.length !== Math.ceil((nodes + leaves) / 8)) throw new Error(`tree state: shape has ${s.shape.length} bytes, ${nodes} nodes and ${leaves} leaves need ${Math.ceil((nodes + leaves) / 8)}`);
  const { cutDim, cutValue, shape } = s;
  for (let n = 0; n < nodes; n++) {
    if (cutDim[n] < 0 || cutDim[n] >= dim) throw new Error(`tree state: node ${n} cuts dimension ${cutDim[n]}, not in [0, ${dim})`);
    if (!Number.isFinite(cutValue[n])) throw new Error(`tree state: node ${n} cuts at ${cutValue[n]}`);
  }
  // Read the preorder shape: each internal node waits on a stack for its children (left first, then right).
  const tn = t.nodes;
  let node = 0;
  let leaf = 0;
  const pending = new Int32Array(2 * nodes); // pairs: internal node, which child comes next (0 left, 1 right)
  let top = 0;
  let root = NONE;
  const bitCount = nodes + leaves;
  for (let i = 0; i < bitCount; i++) {
    const internal = (shape[i >> 3] >> (i & 7)) & 1;
    if (internal && node >= nodes) throw new Error(`tree state: shape has more than ${nodes} internal nodes`);
    if (!internal && leaf >= leaves) throw new Error(`tree state: shape has more than ${leaves} leaves`);
    const ref = internal ? node++ : ~leaf++;
    if (i === 0) root = ref;
    else {
      if (top === 0) throw new Error(`tree state: shape continues after the tree is complete (bit ${i})`);
      tn[4 * pending[top - 2] + pending[top - 1]] = ref;
      if (pending[top - 1] === 0) pending[top - 1] = 1;
      else top -= 2;
    }
    if (internal) {
      tn[4 * ref + 2] = cutDim[ref];
      t.boxSlot[ref] = -1;
      pending[top++] = ref;
      pending[top++] = 0;
    }
  }
  if (top > 0 || node !== nodes || leaf !== leaves) throw new Error("tree state: shape ends before the tree is complete");
  for (let b = bitCount; b < shape.length * 8; b++) if ((shape[b >> 3] >> (b & 7)) & 1) throw new Error("tree state: shape has bits set past its end");
  const cuts = t.cutValue;
  cuts.set(cutValue);
  // Each sampled point descends to its leaf.
  const { leafMass, leafRef } = t;
  for (let l = 0; l < leaves; l++) leafMass[l] = 0;
  const pointCount = points.length / dim;
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i];
    if (!(r >= 0 && r < pointCount)) throw new Error(`tree state: the sampler refers to point ${r}, not in [0, ${pointCount})`);
  }
  const K = t.kernel;
  const inSample = (i: number, l: number): never => {
    throw new Error(`tree state: points ${leafRef[l]} and ${refs[i]} reach the same leaf ${l}: the cuts do not separate the sample`);
  };
  if (K) {
    // In the kernel, listed in the path array (the tree's scratch until it scores; it holds capacity + 1 entries).
    const list = t.path;
    for (let i = 0; i < refs.length; i++) list[i] = refs[i];
    const at = K.placeRefs(t.krec, root, refs.length, points.byteOffset, dim);
    if (at >= 0) inSample(at, leafOf(t, root, refs[at]));
  } else {
    for (let i = 0; i < refs.length; i++) {
      const r = refs[i];
      const l = leafOf(t, root, r);
      if (leafMass[l] === 0) leafRef[l] = r;
      else if (leafRef[l] !== r) inSample(i, l);
      leafMass[l]++;
    }
  }
  for (let l = 0; l < leaves; l++) if (t.leafMass[l] === 0) throw new Error(`tree state: leaf ${l} holds no sampled point`);
  t.resetFreeLists(nodes, leaves);
  t.root = root;
  // Masses and boxes bottom up. With the kernel, the nodes that take a box are listed in that order (in the path
  // array) and their boxes computed in one call: the same slots and the same boxes as one fixBox per node.
  let boxed = 0;
  const fix = (ref: number): number => {
    if (ref < 0) return t.leafMass[~ref];
    const m = fix(t.nodes[ref * 4]) + fix(t.nodes[ref * 4 + 1]);
    t.nodes[ref * 4 + 3] = m;
    if (!K) t.fixBox(ref);
    else if (t.needsBox(ref)) {
      t.takeBox(ref);
      t.path[boxed++] = ref;
    }
    return m;
  };
  t.totalMass = fix(root);
  if (K && boxed > 0) K.computeBoxes(t.krec, boxed, t.box.byteOffset, t.rangeSum.byteOffset, points.byteOffset, dim);
  return t;
}
