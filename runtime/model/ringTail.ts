/**
 * The values a ring buffer holds, oldest first: `written` values have been written to `ring` in turn (value k at
 * k mod ring.length), so it holds the last min(written, ring.length) of them.
 */
export function ringTail(ring: Float32Array, written: number): Float64Array {
  const n = Math.min(written, ring.length);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ring[(written - n + i) % ring.length];
  return out;
}
