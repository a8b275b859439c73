/** Node, leaf and slot indices: 16-bit where the tree's capacity allows (half the memory), else 32-bit. */
export type IndexArray = Int16Array | Int32Array;

/** An index array of `length` entries able to hold indices and masses up to `capacity`. */
export function indexArray(length: number, capacity: number): IndexArray {
  return capacity <= 0x7fff ? new Int16Array(length) : new Int32Array(length);
}
