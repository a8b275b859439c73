import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { BinaryStateError, packState, unpackState } from "../../../runtime/model/binaryState";

/** The skeleton JSON of an uncompressed packed state: header (14 bytes), skeleton length (uint32 LE), skeleton. */
function skeletonOf(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.subarray(18, 18 + buf.readUInt32LE(14)).toString("utf8");
}

/** Packs a hand-written skeleton with no array data, as a corrupt or hostile writer could. */
function withSkeleton(skeleton: string): Uint8Array {
  const packed = packState({ a: "x" }, { compression: "none" });
  const json = Buffer.from(skeleton, "utf8");
  const payload = Buffer.alloc(4 + json.length);
  payload.writeUInt32LE(json.length, 0);
  json.copy(payload, 4);
  const out = Buffer.alloc(14 + payload.length);
  Buffer.from(packed.subarray(0, 6)).copy(out, 0);
  out.writeUInt32LE(payload.length, 6);
  out.writeUInt32LE(crc32(payload), 10);
  payload.copy(out, 14);
  return new Uint8Array(out);
}

describe("packState / unpackState", () => {
  const state = {
    name: "app",
    points: Float32Array.from([1.5, -2.25, 3]),
    cuts: Uint8Array.from([0, 1, 255]),
    stats: [0.1, 1e-300, -0, 123456789.12345679],
    nested: [{ level: [1, 2, 3], ok: true, none: null }],
    empty: [],
    mixed: [1, "two"],
  };

  it("round-trips typed arrays, plain number arrays (exactly, -0 included), strings and nested objects", () => {
    for (const compression of ["brotli", "none"] as const) {
      const back = unpackState(packState(state, { compression })) as typeof state;
      expect(back.points).toBeInstanceOf(Float32Array);
      expect(Array.from(back.points)).toEqual([1.5, -2.25, 3]);
      expect(back.cuts).toBeInstanceOf(Uint8Array);
      expect(Array.isArray(back.stats)).toBe(true);
      expect(back.stats).toEqual(state.stats);
      expect(Object.is(back.stats[2], -0)).toBe(true);
      expect(back.nested).toEqual(state.nested);
      expect(back.empty).toEqual([]);
      expect(back.mixed).toEqual([1, "two"]);
    }
  });

  it("puts no array of numbers in the JSON skeleton", () => {
    const { mixed: _mixed, ...numeric } = state;
    const skeleton = skeletonOf(packState(numeric, { compression: "none" }));
    expect(skeleton).toContain('"$t":"num"');
    expect(skeleton).not.toMatch(/\[\s*-?\d/);
    expect(skeleton).not.toContain("123456789");
  });

  it("refuses a non-finite number, in a field or inside a number array, naming where", () => {
    expect(() => packState({ a: Number.NaN })).toThrow(/cannot encode NaN at "a"/);
    expect(() => packState({ stats: [1, Number.POSITIVE_INFINITY] })).toThrow(/cannot encode Infinity in "stats"/);
  });

  it("refuses array references it cannot read with a BinaryStateError, not a crash", () => {
    for (const ref of ['{"$t":"constructor","o":0,"n":1}', '{"$t":"num","o":0,"n":4}', '{"$t":"f64","o":3,"n":0}']) {
      expect(() => unpackState(withSkeleton(`{"x":${ref}}`))).toThrow(BinaryStateError);
    }
  });
});
