import type { DatasetFeatures } from "../runtime/features/datasetFeatures";
import type { RcfHyperparameters } from "../runtime/model/modelBundle";

/** SageMaker RCF's `eval_metrics` values (used when a labelled test channel is given). */
export type RcfEvalMetric = "accuracy" | "precision_recall_fscore";

/** Everything sent to a SageMaker RCF training job, with SageMaker's names. */
export interface RcfTrainingHyperparameters extends RcfHyperparameters {
  readonly eval_metrics?: readonly RcfEvalMetric[];
}

/** What may be chosen; `feature_dim` always comes from features.json. */
export interface HyperparameterChoices {
  readonly num_trees?: number;
  readonly num_samples_per_tree?: number;
  readonly eval_metrics?: readonly RcfEvalMetric[];
}

/** SageMaker's documented ranges (inclusive) and defaults. */
export const RCF_HYPERPARAMETER_RANGES = {
  feature_dim: { min: 1, max: 10_000 },
  num_trees: { min: 50, max: 1_000, default: 100 },
  num_samples_per_tree: { min: 1, max: 2_048, default: 256 },
} as const;

const EVAL_METRICS: readonly RcfEvalMetric[] = ["accuracy", "precision_recall_fscore"];

/** Thrown before anything is submitted; lists every bad hyperparameter. */
export class HyperparameterError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid RCF hyperparameters:\n  ${problems.join("\n  ")}`);
    this.name = "HyperparameterError";
  }
}

/**
 * The hyperparameters of a training job on `features`' training set: `feature_dim` derived from
 * features.json, the rest from `choices` or SageMaker's defaults, all checked against SageMaker's ranges.
 *
 * @throws HyperparameterError naming each field out of range.
 */
export function rcfHyperparameters(features: Pick<DatasetFeatures, "featureDim">, choices: HyperparameterChoices = {}): RcfTrainingHyperparameters {
  const hp: RcfTrainingHyperparameters = {
    feature_dim: features.featureDim,
    num_trees: choices.num_trees ?? RCF_HYPERPARAMETER_RANGES.num_trees.default,
    num_samples_per_tree: choices.num_samples_per_tree ?? RCF_HYPERPARAMETER_RANGES.num_samples_per_tree.default,
    ...(choices.eval_metrics ? { eval_metrics: choices.eval_metrics } : {}),
  };
  validateRcfHyperparameters(hp);
  return hp;
}

/** @throws HyperparameterError naming each field out of SageMaker's range or of the wrong type. */
export function validateRcfHyperparameters(hp: RcfTrainingHyperparameters): void {
  const problems: string[] = [];
  for (const name of ["feature_dim", "num_trees", "num_samples_per_tree"] as const) {
    const { min, max } = RCF_HYPERPARAMETER_RANGES[name];
    const v = hp[name];
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name} is ${String(v)}; SageMaker accepts an integer from ${min} to ${max}`);
  }
  if (hp.eval_metrics !== undefined) {
    if (hp.eval_metrics.length === 0) problems.push(`eval_metrics is empty; leave it out or list some of ${EVAL_METRICS.join(", ")}`);
    for (const m of hp.eval_metrics) if (!EVAL_METRICS.includes(m)) problems.push(`eval_metrics has "${String(m)}"; expected ${EVAL_METRICS.join(" or ")}`);
  }
  if (problems.length > 0) throw new HyperparameterError(problems);
}

/**
 * The map a SageMaker `CreateTrainingJob` (and Pulumi's `aws.sagemaker.TrainingJob.hyperParameters`) takes:
 * every value a string; `eval_metrics` as SageMaker's list syntax, e.g. `["accuracy", "precision_recall_fscore"]`.
 */
export function toSageMakerHyperParameters(hp: RcfTrainingHyperparameters): Record<string, string> {
  validateRcfHyperparameters(hp);
  const out: Record<string, string> = { feature_dim: String(hp.feature_dim), num_samples_per_tree: String(hp.num_samples_per_tree), num_trees: String(hp.num_trees) };
  if (hp.eval_metrics) out.eval_metrics = `[${hp.eval_metrics.map((m) => `"${m}"`).join(", ")}]`;
  return out;
}
