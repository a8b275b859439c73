import * as v from "valibot";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { StreamingForest } from "../runtime/model/streamingForest";
import { normalMixture, shingled } from "./benchData";

type Forest = Pick<StreamingForest, "score" | "update" | "toState">;
type ForestClass = (new (options: { dimensions: number; numTrees: number; sampleSize: number; seed: number }) => Forest) & { fromState(state: ReturnType<StreamingForest["toState"]>): Forest };
/** fresh: a fresh forest's score then update per point; score: score-only on a full forest; restore: a full forest's state restored. */
export type AbMode = "fresh" | "score" | "restore";
/** Restores per rep in restore mode (each rep's time is theirs; the rate is restores per second). */
export const RESTORES_PER_REP = 20;
type Size = { numTrees: number; sampleSize: number };

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Milliseconds of CPU for one rep of `mode` on a forest of class `F`; writes the rep's scores, in order, into
 * `scores` (one per point of `pts`). In restore mode the forest learns `warm` untimed, its state is restored
 * {@link RESTORES_PER_REP} times (timed), and the last restored forest scores `pts` (untimed).
 */
function rep(F: ForestClass, mode: AbMode, dims: number, size: Size, warm: readonly Float64Array[], pts: readonly Float64Array[], scores: Float64Array): number {
  const f = new F({ dimensions: dims, ...size, seed: 7 });
  if (mode === "restore") {
    for (const p of warm) f.update(p);
    const state = f.toState();
    let g = f;
    const t0 = cpuMs();
    for (let k = 0; k < RESTORES_PER_REP; k++) g = F.fromState(state);
    const ms = cpuMs() - t0;
    for (let i = 0; i < pts.length; i++) scores[i] = g.score(pts[i]);
    return ms;
  }
  if (mode === "score") {
    for (const p of warm) f.update(p);
    const t0 = cpuMs();
    for (let i = 0; i < pts.length; i++) scores[i] = f.score(pts[i]);
    return cpuMs() - t0;
  }
  const t0 = cpuMs();
  for (let i = 0; i < pts.length; i++) {
    scores[i] = f.score(pts[i]);
    f.update(pts[i]);
  }
  return cpuMs() - t0;
}

/** How many of two score lists differ (exactly; 0 and −0 alike, NaN equal to NaN) and the largest relative difference between them. */
export function scoreDifferences(a: Float64Array, b: Float64Array): { differing: number; maxRelative: number } {
  let differing = 0;
  let maxRelative = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i] || Object.is(a[i], b[i])) continue;
    differing++;
    const scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
    maxRelative = Math.max(maxRelative, scale > 0 ? Math.abs(a[i] - b[i]) / scale : Infinity);
  }
  return { differing, maxRelative };
}

/** What {@link compareForests} runs. */
export interface AbOptions {
  /** Checkout to compare with (its runtime/model/streamingForest.ts is loaded). */
  readonly against: string;
  readonly dims: readonly number[];
  readonly mode: AbMode;
  readonly points: number;
  readonly reps: number;
  /** Forest size (50 trees x 256 samples from the command line). */
  readonly trees?: number;
  readonly sampleSize?: number;
}

/**
 * One dimension's comparison: each engine's fastest rep, this / against, and whether their scores were bit-identical.
 * Rates are points per second (fresh, score) or restores per second (restore).
 */
export interface AbLine {
  readonly name: "forest-ab";
  readonly dims: number;
  readonly mode: AbMode;
  readonly points: number;
  readonly reps: number;
  readonly thisPerSec: number;
  readonly againstPerSec: number;
  readonly gain: number;
  /** Whether every score of the two engines was bit-identical (the same seed, data and order). */
  readonly sameScores: boolean;
  /** Points whose score differed, and the largest relative difference among them (0 when none did). */
  readonly differingScores: number;
  readonly maxRelativeDifference: number;
}

/**
 * Times this checkout's forest against `o.against`'s (another checkout, e.g. a git worktree of main) on the
 * bench's forest data, alternating the two rep by rep and keeping each one's fastest rep by the process's CPU
 * time, so a busy machine slows both alike. One line per dimension. The CLI is bench/forestAbMain.ts.
 */
export function* compareForests(o: AbOptions): Generator<AbLine> {
  const file = join(resolve(o.against), "runtime/model/streamingForest.ts");
  if (!existsSync(file)) throw new Error(`--against: no ${file}`);
  // Through tsx's require (tsx/cjs/api), so the other checkout's TypeScript loads under vitest as under bin/run-ts.js.
  const tsx = createRequire(__filename)("tsx/cjs/api") as { require: (id: string, fromFile: string) => unknown };
  const Against = (tsx.require(file, __filename) as { StreamingForest: ForestClass }).StreamingForest;
  const engines = [StreamingForest, Against];
  const size = { numTrees: o.trees ?? 50, sampleSize: o.sampleSize ?? 256 };
  for (const dims of o.dims) {
    const shingle = dims / 5;
    const all = shingled(normalMixture(5, 2 * o.points + shingle - 1, 7), shingle);
    const warm = all.slice(0, o.points);
    const pts = o.mode === "fresh" ? warm : all.slice(o.points);
    const best = [Infinity, Infinity];
    // Every rep of an engine gives the same scores (same seed and data); each rep overwrites its engine's list.
    const scores = [new Float64Array(pts.length), new Float64Array(pts.length)];
    for (let r = 0; r < o.reps; r++) {
      // Alternate which engine goes first, so neither always runs right after the other's garbage.
      for (const i of r % 2 ? [1, 0] : [0, 1]) best[i] = Math.min(best[i], rep(engines[i], o.mode, dims, size, warm, pts, scores[i]));
    }
    const { differing, maxRelative } = scoreDifferences(scores[0], scores[1]);
    const units = o.mode === "restore" ? RESTORES_PER_REP : o.points;
    const perSec = best.map((ms) => Math.round((units * 1000) / Math.max(ms, 1e-3)));
    yield { name: "forest-ab", dims, mode: o.mode, points: o.points, reps: o.reps, thisPerSec: perSec[0], againstPerSec: perSec[1], gain: Math.round((perSec[0] / perSec[1]) * 1000) / 1000, sameScores: differing === 0, differingScores: differing, maxRelativeDifference: maxRelative };
  }
}

/** What this side reads of the other side's lines (its JSON output): the dimension, mode and gain it measured. */
const OtherSideLine = v.object({ dims: v.number(), mode: v.picklist(["fresh", "score", "restore"]), gain: v.pipe(v.number(), v.gtValue(0)) });
export type OtherSide = v.InferOutput<typeof OtherSideLine>;

/** One line the other side printed, checked; the error quotes it and says which field is wrong. */
export function parseOtherSideLine(line: string): OtherSide {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`the other side printed a line that is not JSON: ${line}`);
  }
  const ok = v.safeParse(OtherSideLine, json);
  if (!ok.success) throw new Error(`the other side printed ${line}: ${v.summarize(ok.issues)}`);
  return ok.output;
}

/** One dimension timed from both sides: this checkout's line with the other side's gain and the two combined. */
export interface BothSidesLine extends AbLine {
  /** The gain the other checkout measured of itself against this one (against / this, from its side). */
  readonly gainFromOtherSide: number;
  /** √(gain ÷ gainFromOtherSide): each side's favour for the checkout it runs from cancels out. */
  readonly gainBothSides: number;
}

/**
 * Combines this side's lines with the other side's (the tool run from the other checkout against this one): the
 * side a comparison runs from tends to come out ahead by a few %, the same amount either way, so the geometric
 * mean of this / against from here and from there cancels it. Lines match by dimension and mode.
 */
export function combineSides(here: readonly AbLine[], there: readonly OtherSide[]): BothSidesLine[] {
  return here.map((h) => {
    const t = there.find((x) => x.dims === h.dims && x.mode === h.mode);
    if (!t) throw new Error(`the other side printed no line for ${h.dims} dims (${h.mode})`);
    return { ...h, gainFromOtherSide: t.gain, gainBothSides: Math.round(1000 * Math.sqrt(h.gain / t.gain)) / 1000 };
  });
}
