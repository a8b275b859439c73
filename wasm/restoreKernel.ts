// AssemblyScript (see forestKernel.ts): a restored tree's leaves and boxes, one call per tree each
// (restoreTree in runtime/model/streamingTreeState.ts).

import { CUT, LEAF_MASS, LEAF_REF, NODES, PATH, SLOT, boxOf, cutStep, i16at } from "./kernelRecord";

/**
 * computeBox for the first `count` nodes listed in the tree's path array (i16), each into the slot it holds, in
 * that order (children before their parents): a restored tree's boxes in one call.
 */
export function computeBoxes(e: i32, count: i32, boxP: i32, sumP: i32, ptsP: i32, dim: i32): void {
  const pathP = load<i32>(e, PATH);
  const slotP = load<i32>(e, SLOT);
  for (let i = 0; i < count; i++) {
    const n = i16at(pathP, i);
    boxOf(e, n, i16at(slotP, n), boxP, sumP, ptsP, dim);
  }
}

/**
 * A restored tree's leaves from its sampled points (restoreTree's descent): each of the first `count` point slots
 * listed in the path array (i16) descends from `root` by the cuts to its leaf, which takes that point (leaf
 * references and masses; every leaf's mass must start at 0). Returns −1, or the index of the first point that
 * reached a leaf already holding a different point (the cuts do not separate the sample), leaving it unplaced.
 */
export function placeRefs(e: i32, root: i32, count: i32, ptsP: i32, dim: i32): i32 {
  const nodesP = load<i32>(e, NODES);
  const cutP = load<i32>(e, CUT);
  const pathP = load<i32>(e, PATH);
  let i = 0;
  // Four descents at a time, so that their loads overlap; each point then takes its leaf in list order.
  for (; i + 3 < count; i += 4) {
    const a0 = i16at(pathP, i) * dim, a1 = i16at(pathP, i + 1) * dim, a2 = i16at(pathP, i + 2) * dim, a3 = i16at(pathP, i + 3) * dim;
    let n0 = root, n1 = root, n2 = root, n3 = root;
    while ((n0 & n1 & n2 & n3) >= 0) {
      if (n0 >= 0) n0 = cutStep(nodesP, cutP, ptsP, a0, n0);
      if (n1 >= 0) n1 = cutStep(nodesP, cutP, ptsP, a1, n1);
      if (n2 >= 0) n2 = cutStep(nodesP, cutP, ptsP, a2, n2);
      if (n3 >= 0) n3 = cutStep(nodesP, cutP, ptsP, a3, n3);
    }
    if (!takeLeaf(e, ~n0, i16at(pathP, i))) return i;
    if (!takeLeaf(e, ~n1, i16at(pathP, i + 1))) return i + 1;
    if (!takeLeaf(e, ~n2, i16at(pathP, i + 2))) return i + 2;
    if (!takeLeaf(e, ~n3, i16at(pathP, i + 3))) return i + 3;
  }
  for (; i < count; i++) {
    const r = i16at(pathP, i);
    let n = root;
    while (n >= 0) n = cutStep(nodesP, cutP, ptsP, r * dim, n);
    if (!takeLeaf(e, ~n, r)) return i;
  }
  return -1;
}

/** Leaf `l` takes the point at slot `r` (one more of its mass); false when it already holds a different point. */
@inline function takeLeaf(e: i32, l: i32, r: i32): bool {
  const leafRefP = load<i32>(e, LEAF_REF);
  const leafMassP = load<i32>(e, LEAF_MASS);
  const lm = i16at(leafMassP, l);
  if (lm == 0) store<i16>(leafRefP + (l << 1), <i16>r);
  else if (i16at(leafRefP, l) != r) return false;
  store<i16>(leafMassP + (l << 1), <i16>(lm + 1));
  return true;
}
