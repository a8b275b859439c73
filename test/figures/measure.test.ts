import { describe, expect, it } from "vitest";
import { qualityFromOutput } from "../../figures/measure";

const spread = (...values: number[]) => ({ mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values), values });
const where = { measuredAt: "2026-12-05T17:00:00.000Z", commit: "abc1234", loadAverage: null, cores: 2, command: "npm run quality -- --json" };
const nab = (candidate: string, standard: number) => ({ set: "nab-dev", kind: "nab", candidate, seeds: [1], normalised: spread(standard / 100), standard: spread(standard), lowFP: spread(standard - 5), lowFN: spread(standard + 3), windows: 36, found: spread(31), falsePositives: spread(30), categories: [], seconds: spread(9) });
const summary = (candidate: string, extra: object = {}) => ({ kind: "summary", candidate, sets: ["nab-dev"], seeds: [1], normalised: spread(0.75), seconds: 9, ...extra });

describe("qualityFromOutput", () => {
  it("keeps shipped's sets and summary, not a candidate's or the reference's", () => {
    const records = [nab("shipped", 75), summary("shipped"), nab("wide", 70), summary("wide"), nab("java-trcf", 63.7), summary("java-trcf", { reference: true })];
    const q = qualityFromOutput(JSON.stringify({ records }), "q.json", where);
    expect(q.sets.map((s) => [s.set, s.kind === "nab" ? s.standard.mean : null])).toEqual([["nab-dev", 75]]);
    expect(q.normalised.mean).toBe(0.75);
    expect(Object.keys(q.sets[0])).not.toContain("candidate");
  });

  it("refuses an output with young sets: the README's mean is the development sets'", () => {
    const records = [nab("shipped", 75), { ...nab("shipped", 57), set: "nab-dev-young" }, summary("shipped", { sets: ["nab-dev", "nab-dev-young"] })];
    expect(() => qualityFromOutput(JSON.stringify({ records }), "q.json", where)).toThrow("q.json: holds young sets (nab-dev-young): the README's quality figures are the development sets alone");
  });

  it("says what is missing when the output holds no shipped summary", () => {
    expect(() => qualityFromOutput(JSON.stringify({ records: [nab("shipped", 75)] }), "q.json", where)).toThrow('q.json: no "summary" record of the shipped settings');
  });
});
