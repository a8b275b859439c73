import type { AlertRules } from "../../runtime/detection/alertRules";
import { ConsoleLog } from "../../runtime/adapters/local/ConsoleLog";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { alignSamples } from "../../runtime/features/alignSamples";
import { DEFAULT_DETECT_SETTINGS, makeDetectHandler, type WatchedService } from "../../runtime/handlers/makeDetectHandler";
import { embeddedModel } from "../../runtime/handlers/detectionModel";
import type { ModelBundle } from "../../runtime/model/modelBundle";
import type { AlertSink } from "../../runtime/ports";
import type { FeatureRow, IncidentEvent, MetricSample } from "../../runtime/types";
import type { ScalingPolicy } from "../../runtime/detection/decideScaling";
import { RecordingScaler, type RecordedScaling } from "./RecordingScaler";
import { ReplayMetricSource } from "./ReplayMetricSource";
import { timeSpan } from "../timeSpan";
import { DetectionRecorder, type DetectedStep } from "./DetectionRecorder";
import { feedbackFor, type FeedbackRecord } from "../../runtime/detection/feedback";
import { recordFeedback } from "../../runtime/handlers/feedbackStore";
import type { BacktestFeedback } from "../readFeedbackFile";

/** How the replay scales: starting tasks per service and the bounds the handler must respect. */
export interface BacktestScaling {
  /** Starting task count for every service; default: its containers of one name in the first replayed step (= tasks). */
  readonly tasks?: number;
  /** Default: the starting task count. */
  readonly minTasks?: number;
  /** Default: twice the starting task count. */
  readonly maxTasks?: number;
  /** Default 2. */
  readonly maxStep?: number;
  /** Default 10 minutes. */
  readonly cooldownMs?: number;
}

export interface BacktestOptions {
  readonly samples: readonly MetricSample[];
  /** A model with its trained detector (the embedded scorer replays it). */
  readonly model: ModelBundle;
  /** Where the model came from, for error messages. */
  readonly modelSource?: string;
  /** Epoch ms of the first step to score (inclusive); default: the first sample's step. */
  readonly from?: number;
  readonly scaling?: BacktestScaling;
  /** Minutes between detect runs, as the scheduled Lambda would run. Default 5. */
  readonly runEveryMinutes?: number;
  readonly alerts?: AlertSink;
  /** Operators' alert rules, as the detect Lambda applies them (none by default). */
  readonly rules?: AlertRules;
  /**
   * Operators' feedback, given during the replay as on call would: a verdict on an incident id when the replay
   * resolves that incident (with its pattern as it is then), a verdict on a pattern from its `at` (or the start).
   * The detect runs after that apply it, read from the state store as the detect Lambda reads it.
   */
  readonly feedback?: readonly BacktestFeedback[];
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BacktestResult {
  readonly from: number;
  /** Exclusive: the step after the last one scored. */
  readonly to: number;
  readonly services: readonly { readonly name: string; readonly tasks: number; readonly policy: ScalingPolicy }[];
  readonly runs: number;
  readonly rowsScored: number;
  readonly events: readonly IncidentEvent[];
  readonly scaling: readonly RecordedScaling[];
  /** Every detection of the replay (container, step, grade, expected values). */
  readonly detections: readonly DetectedStep[];
  /** The aligned rows of the whole input (for the report). */
  readonly rows: readonly FeatureRow[];
  /** The feedback the replay gave, when (epoch ms) and on which incident or pattern; entries never given are absent. */
  readonly feedbackGiven: readonly { readonly at: number; readonly incidentId: string; readonly verdict: string }[];
}

const MIN = 60_000;

/**
 * Replays recorded samples through the real detect handler, with local adapters: a ReplayMetricSource over
 * the samples, the model's trained detector (the embedded scorer), a RecordingScaler, memory state and a manual clock that steps
 * every `runEveryMinutes` from `from` until every step of the data has been scored.
 *
 * @throws Error when the model has no trained detector, or the data has no sample at or after `from`.
 */
export async function runBacktest(opts: BacktestOptions): Promise<BacktestResult> {
  const { model } = opts;
  const detection = embeddedModel(model, opts.modelSource ?? "the model");
  const fs = model.featureSet;
  const stepMs = fs.stepSeconds * 1000;
  const everyMs = (opts.runEveryMinutes ?? 5) * MIN;
  if (everyMs % stepMs !== 0 || everyMs <= stepMs * DEFAULT_DETECT_SETTINGS.ingestDelaySteps) throw new Error(`runEveryMinutes must be a multiple of the ${fs.stepSeconds}-s step and longer than the ingest delay`);
  const { rows } = alignSamples(opts.samples, fs);
  const { first, last } = timeSpan(rows);
  const from = Math.floor((opts.from ?? first) / stepMs) * stepMs;
  if (from > last) throw new Error(`nothing to replay: the data ends at ${new Date(last).toISOString()}, before ${new Date(from).toISOString()}`);

  const source = new ReplayMetricSource(opts.samples);
  // Services whose data ends before the replay starts have nothing to detect on (the training hours only).
  const replayed = new Set(rows.filter((r) => r.timestamp >= from).map((r) => r.service));
  const services = source.services().filter((name) => replayed.has(name)).map((name) => {
    const firstStep = timeSpan(rows.filter((r) => r.service === name && r.timestamp >= from)).first;
    // Tasks, not containers: a task of several containers (an app and its sidecar) counts once.
    const perName = new Map<string, number>();
    for (const r of rows) if (r.service === name && r.timestamp === firstStep) perName.set(r.containerName ?? "", (perName.get(r.containerName ?? "") ?? 0) + 1);
    const tasks = opts.scaling?.tasks ?? Math.max(1, ...perName.values());
    const policy: ScalingPolicy = {
      minTasks: opts.scaling?.minTasks ?? tasks,
      maxTasks: opts.scaling?.maxTasks ?? tasks * 2,
      maxStep: opts.scaling?.maxStep ?? 2,
      cooldownMs: opts.scaling?.cooldownMs ?? 10 * MIN,
    };
    return { name, tasks, policy };
  });
  let now = from + everyMs;
  const clock = { now: () => now };
  const scaler = new RecordingScaler(new Map(services.map((s) => [s.name, s.tasks])), clock);
  const recorder = new DetectionRecorder();
  const events: IncidentEvent[] = [];
  const settings = { firstRunSteps: everyMs / stepMs - DEFAULT_DETECT_SETTINGS.ingestDelaySteps, ...(opts.rules ? { rules: opts.rules } : {}) };
  const state = new MemoryStateStore();
  const feedbackGiven: { at: number; incidentId: string; verdict: string }[] = [];
  const pending = [...(opts.feedback ?? [])];
  /** Gives every pending entry `recordOf` makes a record of now, as `cad feedback` would store it. */
  const give = async (recordOf: (f: BacktestFeedback) => FeedbackRecord | undefined) => {
    for (const f of [...pending]) {
      const record = recordOf(f);
      if (!record) continue;
      pending.splice(pending.indexOf(f), 1);
      await recordFeedback(state, record);
      feedbackGiven.push({ at: now, incidentId: record.incidentId, verdict: record.verdict });
    }
  };
  const detect = makeDetectHandler({
    services: services.map((s): WatchedService => ({ name: s.name, scaling: s.policy })),
    source,
    model: detection,
    observe: recorder.observe,
    alerts: {
      async send(e) {
        await opts.alerts?.send(e);
        events.push(e);
      },
    },
    scaler,
    state,
    clock,
    log: new ConsoleLog("error"),
    settings,
  });
  // The last run must see the last step scored: its exclusive end is now - ingest delay.
  const until = last + stepMs * (1 + DEFAULT_DETECT_SETTINGS.ingestDelaySteps);
  const total = Math.ceil((until - from) / everyMs);
  let runs = 0;
  let rowsScored = 0;
  for (; runs < total; now += everyMs) {
    await give((f) => ("pattern" in f && (f.at === undefined || f.at <= now) ? { incidentId: f.name, service: f.service, verdict: f.verdict, at: now, pattern: f.pattern, ...(f.note !== undefined ? { note: f.note } : {}) } : undefined));
    const before = events.length;
    const summary = await detect();
    const resolved = new Map(events.slice(before).filter((e) => e.type === "resolve").map((e) => [e.incident.id, e.incident]));
    await give((f) => {
      const incident = "incidentId" in f ? resolved.get(f.incidentId) : undefined;
      return incident ? feedbackFor(incident, f.verdict, now, f.note) : undefined;
    });
    rowsScored += summary.services.reduce((s, x) => s + x.rowsScored, 0);
    runs++;
    opts.onProgress?.(runs, total);
  }
  return { from, to: last + stepMs, services, runs, rowsScored, events, scaling: scaler.actions, detections: recorder.steps, rows, feedbackGiven };
}
