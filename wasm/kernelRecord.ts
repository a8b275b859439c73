// AssemblyScript (see forestKernel.ts): a tree's record in the forest's WebAssembly memory, the typed reads every
// kernel function shares, and the box helpers the update and the restore share (TreeBoxes' resolve, boundOf,
// computeBox and range sum, operation for operation).

// A tree's record: 32 i32 at tbl + 128·t.
export const NODES = 0; // i16[4·capacity]: left, right, cut dimension, mass
export const CUT = 4; // f32[capacity]
export const SLOT = 8; // i16[capacity]: box slot or −1
export const LEAF_REF = 12; // i16[capacity]
export const LEAF_MASS = 16; // i16[capacity]
export const PATH = 20; // i16[capacity + 1] (output)
export const GAPS = 24; // f64[32] (output)
export const ROOT = 28; // i32 (input; NONE = 0x7fffffff for an empty tree)
export const MASS = 32; // i32 total mass (input)
export const DEPTH = 36; // i32 (output)
export const LEAF = 40; // i32 (output)
export const LEVELS = 44; // i32 (output)
export const FIRST_RANGE = 48; // f64 (output)
export const HOLDS = 56; // i32 (output of descendRef)
export const CUT_DIM = 64; // i32 (output of cutAndKeep / splitCut)
export const CUT_AT = 72; // f64 (output)
// Record bytes: 128 (runtime/model/forestKernel.ts, RECORD_BYTES).
export const KEPT = 32;

@inline export function i16at(p: i32, i: i32): i32 { return <i32>load<i16>(p + (i << 1)); }
@inline export function f32at(p: i32, i: i32): f64 { return <f64>load<f32>(p + (i << 2)); }
@inline export function f64at(p: i32, i: i32): f64 { return load<f64>(p + (i << 3)); }

@inline export function rangeSumOf(boxP: i32, sumP: i32, s: i32, dim: i32): void {
  const end = (s + 1) * 2 * dim;
  let sum = 0.0;
  for (let o = s * 2 * dim; o < end; o += 2) sum -= f32at(boxP, o) + f32at(boxP, o + 1);
  store<f64>(sumP + (s << 3), sum);
}

/** The point at slot `ref`, in box form, bound `off`: v for a min, −v for a max. */
@inline export function wOf(ptsP: i32, pb: i32, off: i32): f64 {
  const v = f32at(ptsP, pb + (off >> 1));
  return (off & 1) ? -v : v;
}

/**
 * Child `c` of a node resolved for {@link boundOf}, packed: its kind in bits 0–1 (0 a leaf, 1 a stored box, 2 a twig),
 * `q` in bits 2–31 (the leaf's point offset, the box's base, or the twig's first point offset) and `r` from bit 32 (the
 * twig's second point offset). As TreeBoxes.resolve.
 */
@inline export function resolveChild(c: i32, nodesP: i32, slotP: i32, leafRefP: i32, dim: i32): i64 {
  if (c < 0) return <i64>(i16at(leafRefP, ~c) * dim) << 2;
  const s = i16at(slotP, c);
  if (s >= 0) return 1 | (<i64>(s * 2 * dim) << 2);
  const q = i16at(leafRefP, ~i16at(nodesP, c << 2)) * dim;
  const r = i16at(leafRefP, ~i16at(nodesP, (c << 2) + 1)) * dim;
  return 2 | (<i64>q << 2) | (<i64>r << 32);
}

@inline export function kindOf(child: i64): i32 { return <i32>(child & 3); }
@inline export function qOf(child: i64): i32 { return <i32>((child >> 2) & 0x3fffffff); }
@inline export function rOf(child: i64): i32 { return <i32>(child >> 32); }

/** Bound `off` of a resolved child's box (kind k, offsets q, r): stored, its point's, or its twig's two points' (exact selection). As TreeBoxes.boundOf. */
@inline export function boundOf(k: i32, q: i32, r: i32, off: i32, boxP: i32, ptsP: i32): f64 {
  if (k == 1) return f32at(boxP, q + off);
  if (k == 0) return wOf(ptsP, q, off);
  const a = wOf(ptsP, q, off);
  const b = wOf(ptsP, r, off);
  return select<f64>(b, a, b < a);
}

/** TreeBoxes.computeBox: slot `s` := the union of node `n`'s children's boxes, and its range sum. */
@inline export function boxOf(e: i32, n: i32, s: i32, boxP: i32, sumP: i32, ptsP: i32, dim: i32): void {
  const nodesP = load<i32>(e, NODES);
  const slotP = load<i32>(e, SLOT);
  const leafRefP = load<i32>(e, LEAF_REF);
  const end = 2 * dim;
  const base = s * end;
  const c0 = i16at(nodesP, n << 2);
  const c1 = i16at(nodesP, (n << 2) + 1);
  const ch0 = resolveChild(c0, nodesP, slotP, leafRefP, dim);
  const ch1 = resolveChild(c1, nodesP, slotP, leafRefP, dim);
  const k0 = kindOf(ch0), q0 = qOf(ch0), r0 = rOf(ch0), k1 = kindOf(ch1), q1 = qOf(ch1), r1 = rOf(ch1);
  for (let off = 0; off < end; off++) {
    const x = boundOf(k0, q0, r0, off, boxP, ptsP);
    const y = boundOf(k1, q1, r1, off, boxP, ptsP);
    store<f32>(boxP + ((base + off) << 2), <f32>select<f64>(y, x, y < x));
  }
  rangeSumOf(boxP, sumP, s, dim);
}

/** One level of a descent by the point at `at`: node `n`'s left child when the point is at or below its cut, else its right. */
@inline export function cutStep(nodesP: i32, cutP: i32, ptsP: i32, at: i32, n: i32): i32 {
  const k = n << 2;
  return i16at(nodesP, k + i32(f32at(ptsP, at + i16at(nodesP, k + 2)) > f32at(cutP, n)));
}
