import { describe, expect, it } from "vitest";
import type { FeatureSet } from "../../runtime/features/featureSet";
import type { Normalisation } from "../../runtime/features/normalisation";
import { toVectors } from "../../runtime/features/toVectors";
import type { FeatureRow } from "../../runtime/types";

const T0 = Date.UTC(2026, 0, 5, 10, 0);
const MIN = 60_000;
const FS: FeatureSet = {
  metrics: [
    { name: "cpu", role: "cpu" },
    { name: "mem", role: "memory" },
  ],
  stepSeconds: 60,
  maxFillSteps: 2,
  shingleSize: 3,
};
/** Identity normalisation: vectors show the raw values, so order is easy to read. */
const IDENTITY: Normalisation = { mean: [0, 0], std: [1, 1] };

const row = (container: string, minute: number, gap = false): FeatureRow => ({
  service: "checkout",
  container,
  timestamp: T0 + minute * MIN,
  values: gap ? [NaN, NaN] : [minute, minute + 0.5],
  filled: 0,
  gap,
});
const at = (vs: ReturnType<typeof toVectors>) => vs.map((v) => `${v.row.container}@${(v.row.timestamp - T0) / MIN}`);

describe("toVectors: shingles of consecutive rows", () => {
  it("concatenates the last shingleSize rows oldest → newest, metrics in feature-set order", () => {
    const vs = toVectors([0, 1, 2, 3].map((m) => row("a", m)), FS, IDENTITY);
    expect(at(vs)).toEqual(["a@2", "a@3"]);
    expect(vs[0].vector).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(vs[1].vector).toEqual([1, 1.5, 2, 2.5, 3, 3.5]);
  });

  it("normalises each row with the model's parameters", () => {
    const norm: Normalisation = { mean: [1, 0.5], std: [2, 0.5] };
    const vs = toVectors([0, 1, 2].map((m) => row("a", m)), FS, norm);
    expect(vs[0].vector).toEqual([-0.5, 0, 0, 2, 0.5, 4]);
  });

  it("never forms a shingle across a gap row: the next vector needs shingleSize fresh rows", () => {
    const rows = [row("a", 0), row("a", 1), row("a", 2), row("a", 3, true), row("a", 4), row("a", 5), row("a", 6)];
    expect(at(toVectors(rows, FS, IDENTITY))).toEqual(["a@2", "a@6"]);
  });

  it("never forms a shingle across a hole in time (missing steps)", () => {
    const rows = [row("a", 0), row("a", 1), row("a", 2), row("a", 5), row("a", 6), row("a", 7)];
    expect(at(toVectors(rows, FS, IDENTITY))).toEqual(["a@2", "a@7"]);
  });

  it("never forms a shingle across a container (or service) boundary", () => {
    const rows = [row("a", 0), row("a", 1), row("b", 2), row("b", 3), row("b", 4), { ...row("b", 5), service: "search" }, { ...row("b", 6), service: "search" }];
    const vs = toVectors(rows, FS, IDENTITY);
    expect(at(vs)).toEqual(["b@4"]);
    expect(vs[0].vector).toEqual([2, 2.5, 3, 3.5, 4, 4.5]);
  });

  it("emitFrom: returns only vectors whose newest row is at or after it, older rows still serve as context", () => {
    const rows = [0, 1, 2, 3, 4].map((m) => row("a", m));
    const vs = toVectors(rows, FS, IDENTITY, T0 + 3 * MIN);
    expect(at(vs)).toEqual(["a@3", "a@4"]);
    expect(vs[0].vector).toEqual([1, 1.5, 2, 2.5, 3, 3.5]);
  });

  it("with shingle size 1 every non-gap row is one vector", () => {
    const fs1 = { ...FS, shingleSize: 1 };
    expect(at(toVectors([row("a", 0), row("a", 1, true), row("a", 2)], fs1, IDENTITY))).toEqual(["a@0", "a@2"]);
  });
});
