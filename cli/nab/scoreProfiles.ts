import { NAB_PROFILES, nabScore, normaliseSubset, type NabFile, type NabResult } from "../../runtime/evaluation/nabScore";
import { CliError } from "../cliError";

/** A NAB scoring profile: standard, reward_low_FP_rate or reward_low_FN_rate. */
export type ProfileName = keyof typeof NAB_PROFILES;

export interface CategoryScore {
  readonly category: string;
  readonly files: number;
  readonly windows: number;
  readonly found: number;
  readonly falsePositives: number;
  /** Normalised score (null for a category without windows: only its false positives count). */
  readonly score: number | null;
  readonly raw: number;
}

export interface ProfileScore {
  readonly profile: ProfileName;
  readonly threshold: number;
  readonly score: number;
  readonly categories: CategoryScore[];
}

/** Each profile's score over `files` at its optimised threshold, or at `threshold` (a detector's own decisions). */
export function scoreProfiles(files: readonly NabFile[], profiles: readonly ProfileName[], threshold?: number): ProfileScore[] {
  return profiles.map((profile) => {
    const cost = NAB_PROFILES[profile];
    let r: NabResult;
    try {
      r = nabScore(files, cost, 0.15, threshold);
    } catch (err) {
      throw new CliError((err as Error).message, undefined);
    }
    const categories = [...new Set(files.map((f) => f.name.split("/")[0]))].sort().map((category): CategoryScore => {
      const rs = r.files.filter((f) => f.name.startsWith(`${category}/`));
      const windows = rs.reduce((s, f) => s + f.windows, 0);
      return {
        category,
        files: rs.length,
        windows,
        found: rs.reduce((s, f) => s + f.truePositives, 0),
        falsePositives: rs.reduce((s, f) => s + f.falsePositives, 0),
        score: windows > 0 ? normaliseSubset(rs, cost) : null,
        raw: rs.reduce((s, f) => s + f.raw, 0),
      };
    });
    return { profile, threshold: r.threshold, score: r.normalised, categories };
  });
}
