import type { TrainSummary } from "./train";

/** The human-readable form of a training run. */
export function formatTrainSummary(s: TrainSummary): string {
  const st = s.scores;
  const peak = Math.max(...s.histogram.map((b) => b.count));
  const bars = s.histogram.map((b) => {
    const marker = b.from <= st.threshold && st.threshold < b.to ? "  <- threshold" : "";
    return `  ${b.from.toFixed(3).padStart(8)} – ${b.to.toFixed(3).padEnd(8)} ${"#".repeat(Math.round((40 * b.count) / peak)).padEnd(40)} ${String(b.count).padStart(6)}${marker}`;
  });
  const outOfRange = [
    s.hyperparameters.num_trees < 50 || s.hyperparameters.num_trees > 1000 ? `num_trees ${s.hyperparameters.num_trees} is outside SageMaker's 50–1000` : "",
    s.hyperparameters.num_samples_per_tree > 2048 ? `num_samples_per_tree ${s.hyperparameters.num_samples_per_tree} is above SageMaker's 2048` : "",
  ].filter(Boolean);
  return [
    `read ${s.input.samples} samples from ${s.input.file} (${s.input.layout}${s.input.splunk ? ", Splunk export" : ""}): ${s.input.services.length} service(s), ${s.input.containers} container(s), ${s.rows} rows`,
    ...(s.alignment.duplicates + s.alignment.outOfOrder + s.alignment.filledValues + s.alignment.gapRows > 0
      ? [
          `aligned to ${s.featureSet.stepSeconds}-s steps: ${s.alignment.outOfOrder} sample(s) out of time order (sorted), ${s.alignment.duplicates} duplicate sample(s) dropped, ${s.alignment.filledValues} value(s) filled across short gaps, ${s.alignment.gapRows} row(s) left out for longer gaps`,
        ]
      : []),
    `feature set: ${s.featureSet.name} — ${s.featureSet.metrics.join(", ")}; ${s.featureSet.stepSeconds}-s steps, shingle ${s.featureSet.shingleSize}`,
    ...(s.rowsExcludedByLabels > 0 ? [`left out ${s.rowsExcludedByLabels} rows inside labelled windows`] : []),
    `streaming detector (the embedded scorer): one forest per container name (${s.detector.containerNames.map((n) => n || "unnamed containers").join(", ")}), trained over ${s.detector.steps} steps; ${(100 * s.detector.expectedAnomalyRate).toFixed(2)} % of the container-steps of its second half graded anomalous (the model-health baseline)`,
    `static forest (what SageMaker would train): ${s.hyperparameters.num_trees} trees × ${s.hyperparameters.num_samples_per_tree} samples (feature_dim ${s.hyperparameters.feature_dim}, seed ${s.seed}) on ${s.vectors} vectors`,
    ...outOfRange.map((w) => `warning: ${w}; the SageMaker training job would reject it`),
    "",
    "static forest's training score distribution (SageMaker's threshold, mean + 3σ, starts the detector's thresholder when an endpoint scores):",
    ...bars,
    `  mean ${st.mean.toFixed(4)}  std ${st.std.toFixed(4)}  p50 ${st.quantiles.p50.toFixed(4)}  p90 ${st.quantiles.p90.toFixed(4)}  p99 ${st.quantiles.p99.toFixed(4)}  max ${st.quantiles.max.toFixed(4)}`,
    `threshold ${st.threshold.toFixed(4)} = mean + ${st.sigmas} × std`,
    "",
    `wrote ${s.files.model}${s.files.sagemakerTrain ? `, ${s.files.sagemakerTrain} (SageMaker train channel)` : ""}${s.files.sagemakerTest ? `, ${s.files.sagemakerTest} (SageMaker test channel)` : ""}`,
  ].join("\n");
}
