import { brotliCompressSync, brotliDecompressSync, constants, crc32 } from "node:zlib";

/**
 * The compact binary encoding of detector states: a plain object whose bulky parts are typed arrays (forest
 * points, trees, samplers, seasonal histories) becomes
 *
 *   "CADS" | codec version (1 byte) | compression (1 byte: 0 none, 1 brotli) | payload length (uint32 LE) |
 *   payload CRC-32 (uint32 LE) | payload, compressed:  skeleton length (uint32 LE) | skeleton JSON | padding | array data
 *
 * where the skeleton is the object as JSON with each typed array replaced by `{"$t": kind, "o": offset, "n": length}`
 * pointing into the array data (8-byte aligned, little-endian), and each plain array of numbers by
 * `{"$t": "num", …}` (float64 data, revived as a plain array). No number array goes through JSON; the CRC-32
 * catches corruption and the length prefix truncation. Brotli at quality 1: forest points are noise to a
 * compressor, so a fast setting gives nearly the size of a slow one (measured: 10 ms against 50 ms for zlib's
 * default on a 1.5 MB state, 1 % larger). A state that embeds an already packed part (a Uint8Array) is better
 * written uncompressed. Decoding checks every reference and
 * rebuilds fresh, aligned typed arrays; what the object means is checked by its owner (a schema, then fromState).
 */

const MAGIC = [0x43, 0x41, 0x44, 0x53]; // "CADS"
export const BINARY_STATE_CODEC_VERSION = 1;
const HEADER = 14;

/** How {@link packState} compresses: "brotli" (default) or "none" (for states that hold packed parts). */
export interface PackOptions {
  readonly compression?: "brotli" | "none";
}
/** A state larger than this once inflated is refused (a corrupt or hostile length): far above any real one. */
const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

/** The kind of a plain array of numbers: stored as float64, revived as a plain array. */
const PLAIN = "num";
type Kind = "f64" | "f32" | "i32" | "u32" | "i16" | "u16" | "i8" | "u8";
type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

const KINDS: Readonly<Record<Kind, { readonly bytes: number; readonly make: (b: ArrayBuffer, offset: number, length: number) => Typed }>> = {
  f64: { bytes: 8, make: (b, o, n) => new Float64Array(b, o, n) },
  f32: { bytes: 4, make: (b, o, n) => new Float32Array(b, o, n) },
  i32: { bytes: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  u32: { bytes: 4, make: (b, o, n) => new Uint32Array(b, o, n) },
  i16: { bytes: 2, make: (b, o, n) => new Int16Array(b, o, n) },
  u16: { bytes: 2, make: (b, o, n) => new Uint16Array(b, o, n) },
  i8: { bytes: 1, make: (b, o, n) => new Int8Array(b, o, n) },
  u8: { bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
};

function kindOf(a: unknown): Kind | undefined {
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Float32Array) return "f32";
  if (a instanceof Int32Array) return "i32";
  if (a instanceof Uint32Array) return "u32";
  if (a instanceof Int16Array) return "i16";
  if (a instanceof Uint16Array) return "u16";
  if (a instanceof Int8Array) return "i8";
  if (a instanceof Uint8Array) return "u8";
  return undefined;
}

/** Thrown when bytes are not a state this codec can read; the message says why. */
export class BinaryStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BinaryStateError";
  }
}

/** Encodes `value` (plain objects, arrays, strings, finite numbers, booleans, null and typed arrays). */
export function packState(value: unknown, options: PackOptions = {}): Uint8Array {
  const arrays: Typed[] = [];
  let dataLength = 0;
  const offsets: number[] = [];
  const place = (a: Typed, kind: Kind | typeof PLAIN): { $t: string; o: number; n: number } => {
    dataLength = align(dataLength);
    offsets.push(dataLength);
    arrays.push(a);
    const ref = { $t: kind, o: dataLength, n: a.length };
    dataLength += a.byteLength;
    return ref;
  };
  const skeleton = JSON.stringify(value, (key, v: unknown) => {
    const kind = kindOf(v);
    if (kind) return place(v as Typed, kind);
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number")) {
      const bad = v.find((x) => !Number.isFinite(x));
      if (bad !== undefined) throw new BinaryStateError(`cannot encode ${String(bad)} in "${key}": state numbers must be finite`);
      return place(Float64Array.from(v as number[]), PLAIN);
    }
    if (typeof v === "number" && !Number.isFinite(v)) throw new BinaryStateError(`cannot encode ${String(v)} at "${key}": state numbers must be finite`);
    if (v === undefined || typeof v === "function" || typeof v === "symbol" || typeof v === "bigint") {
      if (v === undefined) return v;
      throw new BinaryStateError(`cannot encode a ${typeof v} at "${key}"`);
    }
    return v;
  });
  const skeletonBytes = Buffer.from(skeleton, "utf8");
  const dataStart = align(4 + skeletonBytes.length);
  const payload = Buffer.alloc(dataStart + dataLength);
  payload.writeUInt32LE(skeletonBytes.length, 0);
  skeletonBytes.copy(payload, 4);
  arrays.forEach((a, i) => {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(payload, dataStart + offsets[i]);
  });
  const brotli = (options.compression ?? "brotli") === "brotli";
  const compressed = brotli ? brotliCompressSync(payload, { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: payload.length } }) : payload;
  const out = Buffer.alloc(HEADER + compressed.length);
  MAGIC.forEach((b, i) => out.writeUInt8(b, i));
  out.writeUInt8(BINARY_STATE_CODEC_VERSION, 4);
  out.writeUInt8(brotli ? 1 : 0, 5);
  out.writeUInt32LE(payload.length, 6);
  out.writeUInt32LE(crc32(payload), 10);
  compressed.copy(out, HEADER);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Decodes what {@link packState} wrote; throws {@link BinaryStateError} saying what is wrong with the bytes. */
export function unpackState(bytes: Uint8Array): unknown {
  if (bytes.length < HEADER || !MAGIC.every((b, i) => bytes[i] === b)) {
    const head = Buffer.from(bytes.subarray(0, 16)).toString("latin1").replace(/[^\x20-\x7e]/g, ".");
    throw new BinaryStateError(`not a binary detector state (expected it to start with "CADS", it starts with "${head}")`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = buf.readUInt8(4);
  if (version !== BINARY_STATE_CODEC_VERSION) throw new BinaryStateError(`binary state codec version ${version}, this build reads version ${BINARY_STATE_CODEC_VERSION}`);
  const compression = buf.readUInt8(5);
  if (compression > 1) throw new BinaryStateError(`binary state uses compression ${compression}, this build reads 0 (none) and 1 (brotli)`);
  const length = buf.readUInt32LE(6);
  if (length > MAX_PAYLOAD_BYTES) throw new BinaryStateError(`binary state claims ${length} bytes, more than the ${MAX_PAYLOAD_BYTES} allowed`);
  let payload: Buffer;
  try {
    payload = compression === 1 ? brotliDecompressSync(buf.subarray(HEADER), { maxOutputLength: MAX_PAYLOAD_BYTES }) : buf.subarray(HEADER);
  } catch (err) {
    throw new BinaryStateError(`binary state is corrupt or truncated (${(err as Error).message})`);
  }
  if (payload.length !== length) throw new BinaryStateError(`binary state is corrupt or truncated: it unpacks to ${payload.length} bytes, its header says ${length}`);
  if (crc32(payload) !== buf.readUInt32LE(10)) throw new BinaryStateError("binary state is corrupt: its CRC-32 does not match the content");
  if (payload.length < 4) throw new BinaryStateError("binary state has no skeleton");
  const skeletonLength = payload.readUInt32LE(0);
  if (4 + skeletonLength > payload.length) throw new BinaryStateError(`binary state skeleton of ${skeletonLength} bytes does not fit in ${payload.length} bytes`);
  const dataStart = align(4 + skeletonLength);
  const dataLength = payload.length - dataStart;
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(payload.subarray(4, 4 + skeletonLength).toString("utf8"));
  } catch (err) {
    throw new BinaryStateError(`binary state skeleton is not JSON (${(err as Error).message})`);
  }
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v === null || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (typeof o.$t === "string") {
      const plain = o.$t === PLAIN;
      const spec = plain ? KINDS.f64 : Object.hasOwn(KINDS, o.$t) ? KINDS[o.$t as Kind] : undefined;
      const offset = o.o;
      const n = o.n;
      if (!spec || !Number.isInteger(offset) || !Number.isInteger(n) || (offset as number) < 0 || (n as number) < 0) throw new BinaryStateError(`binary state refers to an array it cannot read (${JSON.stringify(o)})`);
      const start = offset as number;
      const byteLength = (n as number) * spec.bytes;
      if (start % spec.bytes !== 0 || start + byteLength > dataLength) throw new BinaryStateError(`binary state refers to bytes ${start}–${start + byteLength} of ${dataLength}`);
      const copy = new ArrayBuffer(byteLength);
      new Uint8Array(copy).set(payload.subarray(dataStart + start, dataStart + start + byteLength));
      const typed = spec.make(copy, 0, n as number);
      return plain ? Array.from(typed) : typed;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = revive(x);
    return out;
  };
  return revive(skeleton);
}

function align(n: number): number {
  return (n + 7) & ~7;
}
