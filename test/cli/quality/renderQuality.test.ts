import { describe, expect, it } from "vitest";
import { judgeChange, seedSpread } from "../../../runtime/evaluation/qualityScore";
import { renderCandidates, renderReferenceComparison, type CandidateReport } from "../../../cli/quality/renderQuality";
import type { SetSummary } from "../../../cli/quality/runQualitySet";

const s = (...values: number[]) => seedSpread(values);

/** A labelled set's summary over two seeds with onset F1 `f1` and run F1 `runF1`. */
function labelled(candidate: string, f1: number, runF1: number): SetSummary {
  return {
    set: "smd-dev",
    kind: "labelled",
    candidate,
    seeds: [1, 2],
    normalised: s(f1, f1),
    onset: { precision: s(0.7, 0.7), recall: s(0.8, 0.8), f1: s(f1, f1), falsePer1000: s(0.3, 0.3), runsFound: s(60, 60), runF1: s(runF1, runF1) },
    runs: 76,
    eventF1: s(0.7, 0.7),
    baselines: { threeSigma: s(0.1, 0.1), threeSigmaConsecutive: s(0.1, 0.1), isolationForest: s(0.1, 0.1), isolationForestP995: s(0.12, 0.12) },
    bestBaseline: "isolationForestP995",
    ratioToBest: s(6, 6),
    seconds: s(30, 30),
  };
}

function nab(candidate: string, score: number): SetSummary {
  const n = s(score, score);
  return { set: "nab-dev", kind: "nab", candidate, seeds: [1, 2], normalised: n, standard: s(100 * score, 100 * score), lowFP: n, lowFN: n, windows: 36, found: s(31, 31), falsePositives: s(30, 30), categories: [], atAlerts: { standard: s(90 * score, 90 * score), found: s(29, 29), falsePositives: s(20, 20) }, seconds: s(10, 10) };
}

/** A candidate's report, judged against `shipped` as `cad quality` judges it (runtime/evaluation/qualityScore.ts). */
function report(name: string, sets: SetSummary[], shipped?: CandidateReport): CandidateReport {
  const bySet = (xs: readonly SetSummary[]) => Object.fromEntries(xs.map((x) => [x.set, x.normalised]));
  const runF1 = (xs: readonly SetSummary[]) => Object.fromEntries(xs.flatMap((x) => (x.kind === "labelled" ? [[x.set, x.onset.runF1]] : [])));
  const mean = sets.reduce((a, x) => a + x.normalised.mean, 0) / sets.length;
  const verdict = shipped ? judgeChange(bySet(shipped.sets), bySet(sets), { reference: runF1(shipped.sets), change: runF1(sets) }) : undefined;
  return { candidate: name, seeds: [1, 2], sets, normalised: s(mean, mean), seconds: 80, ...(verdict ? { verdict } : {}) };
}

describe("the verdict's words", () => {
  const shipped = report("shipped", [nab("shipped", 0.75), labelled("shipped", 0.66, 0.64)]);
  const line = (c: CandidateReport) => renderCandidates([shipped, c]).split("\n")[3];

  it("says a rise made of onsets inside runs already found is one, and rejects it", () => {
    const repeats = report("repeats", [nab("repeats", 0.75), labelled("repeats", 0.7, 0.63)], shipped);
    expect(line(repeats)).toMatch(/reject \(mean \+0\.020; −0\.005 by run F1: the rise is onsets inside labelled runs already found\)$/);
  });

  it("keeps a rise run F1 confirms in part, printing both means", () => {
    const found = report("found", [nab("found", 0.75), labelled("found", 0.7, 0.66)], shipped);
    expect(line(found)).toMatch(/keep \(mean \+0\.020, \+0\.010 with labelled sets' rises confirmed by run F1\)$/);
  });

  it("prints one mean when run F1 confirms all of it, and no run-F1 words on a mean that did not rise", () => {
    const all = report("all", [nab("all", 0.77), labelled("all", 0.66, 0.64)], shipped);
    expect(line(all)).toMatch(/keep \(mean \+0\.010\)$/);
    const worse = report("worse", [nab("worse", 0.74), labelled("worse", 0.7, 0.6)], shipped);
    // nab-dev −0.01, smd-dev's +0.04 rise against a run F1 −0.04: (−0.01 − 0.04) / 2.
    expect(line(worse)).toMatch(/reject \(mean \+0\.015; −0\.025 by run F1: the rise is onsets inside labelled runs already found; nab-dev −0\.010 beyond its seed spread 0\.000\)$/);
    const lower = report("lower", [nab("lower", 0.7), labelled("lower", 0.66, 0.6)], shipped);
    expect(line(lower)).toMatch(/reject \(mean −0\.025, did not rise; nab-dev −0\.050 beyond its seed spread 0\.000\)$/);
  });
});

describe("ours against the reference (--java-reference)", () => {
  it("prints each set's mean normalised score of both, the difference and run F1 on labelled sets", () => {
    const ours = report("shipped", [nab("shipped", 0.75), labelled("shipped", 0.66, 0.64)]);
    const java = report("java-trcf", [nab("java-trcf", 0.6), labelled("java-trcf", 0.3, 0.35)]);
    const lines = renderReferenceComparison(ours, java).split("\n");
    expect(lines[0]).toContain("ours against java-trcf (OpenSearch AD's ThresholdedRandomCutForest");
    expect(lines[2]).toMatch(/^nab-dev +0\.750 +0\.600 +\+0\.150$/);
    expect(lines[3]).toMatch(/^smd-dev +0\.660 +0\.300 +\+0\.360 +run F1 0\.640 against 0\.350$/);
    expect(lines[4]).toMatch(/^all sets +0\.705 +0\.450 +\+0\.255$/);
    expect(() => renderReferenceComparison(ours, report("java-trcf", [nab("java-trcf", 0.6)]))).toThrow("the reference ran other sets (nab-dev) than shipped (nab-dev, smd-dev)");
  });
});
