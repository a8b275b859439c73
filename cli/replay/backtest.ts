import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { JsonlAlertSink } from "../../runtime/adapters/local/JsonlAlertSink";
import type { AlertRules } from "../../runtime/detection/alertRules";
import { rowsAtCalendarLevel } from "../../runtime/detection/serviceCalendar";
import { alignSamples } from "../../runtime/features/alignSamples";
import { parseModelBundle, type ModelBundle } from "../../runtime/model/modelBundle";
import type { Incident } from "../../runtime/types";
import { trainOnRows } from "../../training/trainModel";
import { CliError, EXIT_USAGE } from "../cliError";
import { describeEvent } from "../demo/describeEvent";
import { metricMismatch, readMetricsInput, type MetricsInput } from "../metricsInput";
import { startProgress } from "../progress";
import { readFeedbackFile } from "../readFeedbackFile";
import { readRulesFile } from "../readRulesFile";
import { readTruthFile } from "../readTruthFile";
import { buildReportModel, type TruthWindow } from "../report/reportModel";
import { renderReportHtml } from "../report/renderReportHtml";
import { overlapsTruth } from "../report/reportIncidents";
import { timeSpan } from "../timeSpan";
import { inTruthWindow } from "../truthWindows";
import { runBacktest, type BacktestResult } from "./runBacktest";

/** The options of `cad backtest`, as commander parses them. */
export interface BacktestCliOptions {
  input: string;
  model?: string;
  trainHours: number;
  labels?: string;
  out: string;
  report?: string;
  tasks?: number;
  minTasks?: number;
  maxTasks?: number;
  maxStep: number;
  cooldownMinutes: number;
  rules?: string;
  feedback?: string;
  json?: boolean;
}

const HOUR = 3_600_000;

function readModel(file: string): ModelBundle {
  if (!existsSync(file)) throw new CliError(`--model ${file}: no such file`, EXIT_USAGE);
  try {
    return parseModelBundle(readFileSync(file, "utf8"), file);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

/** The model to replay: the given file (checked against the data's metrics) or one trained on the data's first hours. */
function modelFor(o: BacktestCliOptions, input: MetricsInput, labels: readonly TruthWindow[] | undefined, calendars: AlertRules["calendars"]): { model: ModelBundle; from?: number; source: string } {
  if (o.model) {
    const model = readModel(o.model);
    const diffs = metricMismatch(
      model.featureSet.metrics.map((m) => m.name),
      input.metrics,
    );
    if (diffs.length > 0) throw new CliError(`--model ${o.model} was trained on a different feature set than ${o.input}: ${diffs.join("; ")}. Train a model on this data with \`cad train --input ${o.input}\`.`);
    return { model, source: o.model };
  }
  const fs = input.featureSet;
  const { rows } = alignSamples(input.samples, fs);
  const { first } = timeSpan(rows);
  const from = first + o.trainHours * HOUR;
  const trainRows = rows.filter((r) => r.timestamp < from && !(labels && inTruthWindow(labels, r.service, r.container, r.timestamp)));
  try {
    // With calendars the model learns load relative to the hour's level, as the detect handler will score it.
    const { model } = trainOnRows(rowsAtCalendarLevel(trainRows, calendars, fs), { featureSet: fs, seed: 42, trainedAt: new Date(from).toISOString() });
    return { model, from, source: `trained on the first ${o.trainHours} h` };
  } catch (err) {
    throw new CliError(`${o.input}: cannot train on the first ${o.trainHours} h: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Runs `cad backtest` and returns the summary it prints with --json. */
export async function backtest(o: BacktestCliOptions) {
  const say = (s: string) => {
    if (!o.json) process.stdout.write(s + "\n");
  };
  const input = readMetricsInput(o.input);
  const labels = o.labels ? readTruthFile(o.labels, "--labels") : undefined;
  const rules = o.rules ? readRulesFile(o.rules, "--rules", input.featureSet) : undefined;
  const { model, from, source } = modelFor(o, input, labels, rules?.calendars);
  const feedback = o.feedback ? readFeedbackFile(o.feedback, "--feedback") : undefined;
  say(`replaying ${input.samples.length} samples from ${o.input} (${input.layout}${input.splunk ? ", Splunk export" : ""}) with the model ${source} (streaming detector trained on ${model.detector?.containerNames.map((n) => n || "unnamed containers").join(", ") ?? "nothing"})`);

  rmSync(o.out, { recursive: true, force: true });
  mkdirSync(o.out, { recursive: true });
  const files = { alerts: join(o.out, "alerts.jsonl"), incidents: join(o.out, "incidents.json"), scaling: join(o.out, "scaling.json"), summary: join(o.out, "summary.json"), report: o.report };
  const progress = startProgress("detect runs", { json: o.json });
  let result: BacktestResult;
  try {
    result = await runBacktest({
      samples: input.samples,
      model,
      modelSource: source,
      from,
      scaling: { tasks: o.tasks, minTasks: o.minTasks, maxTasks: o.maxTasks, maxStep: o.maxStep, cooldownMs: o.cooldownMinutes * 60_000 },
      alerts: new JsonlAlertSink(files.alerts),
      rules,
      feedback,
      onProgress: (done, total) => progress.update(done, total),
    });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  } finally {
    progress.stop();
  }
  for (const e of result.events) say(describeEvent(e));

  const incidents = lastStateOfIncidents(result);
  // One matching rule with the report's incident table: an incident overlapping a known window of its service (or
  // starting within the grace after it) detected it; an incident matching none is a false alert.
  const stepMs = model.featureSet.stepSeconds * 1000;
  const matches = (i: Incident, t: TruthWindow) => i.service === t.service && overlapsTruth(i, t, stepMs);
  const truth = labels?.map((t) => ({ ...t, detected: incidents.some((i) => matches(i, t)) }));
  const falseIncidents = labels ? incidents.filter((i) => !labels.some((t) => matches(i, t))) : [];
  const verdictOf = (i: Incident) => (labels ? { verdict: falseIncidents.includes(i) ? ("false alert" as const) : ("detected" as const) } : {});
  const summary = {
    input: { file: o.input, layout: input.layout, splunk: input.splunk, samples: input.samples.length },
    model: { source, metrics: model.featureSet.metrics.map((m) => m.name), trainedAt: model.trainedAt, containerNames: model.detector?.containerNames ?? [] },
    from: new Date(result.from).toISOString(),
    to: new Date(result.to).toISOString(),
    services: result.services.map((s) => ({ name: s.name, startingTasks: s.tasks, minTasks: s.policy.minTasks, maxTasks: s.policy.maxTasks })),
    runs: result.runs,
    rowsScored: result.rowsScored,
    anomalies: result.detections.filter((d) => d.grade > 0).length,
    incidents: incidents.map((i) => ({ id: i.id, service: i.service, kind: i.kind, start: new Date(i.start).toISOString(), end: new Date(i.resolvedAt ?? i.lastAnomalyAt).toISOString(), status: i.status, containers: i.containers, peakScore: i.peakScore, topMetrics: i.topMetrics.slice(0, 3).map((m) => m.metric), ...verdictOf(i) })),
    alerts: result.events.length,
    ...(feedback ? { feedback: { entries: feedback.length, given: result.feedbackGiven.map((f) => ({ ...f, at: new Date(f.at).toISOString() })), shapedEvents: result.events.filter((e) => e.feedback && e.feedback.length > 0).length } } : {}),
    scalingActions: result.scaling.map((s) => ({ at: new Date(s.at).toISOString(), ...s.decision })),
    ...(truth ? { truth: { known: truth.length, detected: truth.filter((t) => t.detected).length, missed: truth.filter((t) => !t.detected).map((t) => ({ service: t.service, kind: t.kind, start: new Date(t.start).toISOString() })), falseAlerts: falseIncidents.map((i) => ({ id: i.id, service: i.service, kind: i.kind, start: new Date(i.start).toISOString(), containers: i.containers })) } } : {}),
    files,
  };
  writeFileSync(files.incidents, JSON.stringify(summary.incidents, null, 2));
  writeFileSync(files.scaling, JSON.stringify(summary.scalingActions, null, 2));
  writeFileSync(files.summary, JSON.stringify(summary, null, 2));
  if (o.report) {
    const reportModel = buildReportModel({
      title: `cad backtest: ${o.input}`,
      subtitle: `Model ${source}; replayed ${new Date(result.from).toISOString().slice(0, 16)} → ${new Date(result.to).toISOString().slice(0, 16)} UTC through the detect handler every 5 minutes (${result.runs} runs). Scaling is recorded, not applied: the data is history.`,
      featureSet: model.featureSet,
      rows: result.rows,
      detections: result.detections,
      events: result.events,
      scaling: result.scaling.map((s) => ({ ...s, applied: true })),
      truth: labels,
      // Trained on the data's first hours (no --model): shade them; a given model learnt elsewhere.
      ...(from !== undefined ? { training: { start: timeSpan(result.rows).first, end: from } } : {}),
    });
    mkdirSync(dirname(o.report), { recursive: true });
    writeFileSync(o.report, renderReportHtml(reportModel));
  }
  say(
    [
      "",
      `${result.runs} detect runs, ${result.rowsScored} rows scored from ${summary.from} to ${summary.to}: ${summary.anomalies} anomalous rows, ${incidents.length} incident(s), ${result.events.length} alert event(s), ${result.scaling.length} scaling action(s)`,
      ...(summary.truth
        ? [
            `labelled windows detected: ${summary.truth.detected} of ${summary.truth.known}; false alerts (incidents matching no labelled window): ${summary.truth.falseAlerts.length}`,
            ...summary.truth.missed.map((m) => `  missed: ${m.kind ?? "window"} on ${m.service} from ${m.start}`),
            ...summary.truth.falseAlerts.map((f) => `  false alert: incident ${f.id} (${f.kind}) on ${f.service} from ${f.start}, containers ${f.containers.join(", ")}`),
          ]
        : []),
      ...(summary.feedback ? [`feedback: ${summary.feedback.given.length} of ${summary.feedback.entries} entries given during the replay; ${summary.feedback.shapedEvents} alert event(s) shaped by feedback`] : []),
      `wrote ${files.alerts}, ${files.incidents}, ${files.scaling}, ${files.summary}${o.report ? `, ${o.report}` : ""}`,
    ].join("\n"),
  );
  return summary;
}

/** Each incident as its last event left it, in order of start. */
function lastStateOfIncidents(r: BacktestResult): Incident[] {
  const last = new Map<string, Incident>();
  for (const e of r.events) last.set(e.incident.id, e.incident);
  return [...last.values()].sort((a, b) => a.start - b.start);
}
