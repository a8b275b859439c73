import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConsoleLog } from "../../runtime/adapters/local/ConsoleLog";
import { JsonlAlertSink } from "../../runtime/adapters/local/JsonlAlertSink";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { makeDetectHandler, type DetectRunSummary, type DetectSettings } from "../../runtime/handlers/makeDetectHandler";
import { embeddedModel } from "../../runtime/handlers/detectionModel";
import type { ModelBundle } from "../../runtime/model/modelBundle";
import type { AlertSink } from "../../runtime/ports";
import { EcsServiceSimulator } from "../../runtime/sim/EcsServiceSimulator";
import { defaultIncidentPlan, type InjectedIncident } from "../../runtime/sim/incidentPlan";
import { matchIncidents, type MatchReport } from "../../runtime/sim/matchIncidents";
import type { IncidentEvent, ScalingDecision } from "../../runtime/types";
import { trainModel, trainOnRows } from "../../training/trainModel";
import { rowsAtCalendarLevel } from "../../runtime/detection/serviceCalendar";
import { alignSamples } from "../../runtime/features/alignSamples";
import { formatFeatureRowsCsv } from "../../runtime/features/featureRowCsv";
import { DetectionRecorder, type DetectedStep } from "../replay/DetectionRecorder";
import { buildReportModel, type TruthWindow } from "../report/reportModel";
import { renderReportHtml } from "../report/renderReportHtml";
import { formatTruthCsv } from "../truthWindows";
import { DEMO_SERVICE, DEMO_START, DEMO_WEEKEND_LEVEL } from "./demoService";

export interface DemoOptions {
  readonly days: number;
  readonly seed: number;
  readonly tasks: number;
  readonly out: string;
  /**
   * A weekly cycle: weekend traffic at {@link DEMO_WEEKEND_LEVEL} of weekdays, and (with 7 days or more) a crash
   * loop injected on the Sunday as well. Unset: the default demo, unchanged.
   */
  readonly weekly?: boolean;
  /**
   * Trouble injected into the simulation but not into the truth (not in truth.csv, not matched): an event on call
   * would call expected, such as bench/feedbackScenario.ts's nightly job. Every incident it raises is a false alert.
   */
  readonly unlabelled?: readonly InjectedIncident[];
  /** Called for every alert event and scaling action as it happens. */
  readonly onEvent?: (e: IncidentEvent) => void;
  /** Detection settings (defaults: the production defaults). */
  readonly detectSettings?: Partial<DetectSettings>;
  /** Called once training is done. */
  readonly onTrained?: (model: ModelBundle, trainingRows: number) => void;
  /** Called after every detect run with the runs done and the runs in total (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface DemoResult {
  readonly service: string;
  readonly start: number;
  readonly end: number;
  readonly truth: readonly InjectedIncident[];
  readonly events: readonly IncidentEvent[];
  readonly report: MatchReport;
  readonly scalingActions: readonly ScalingDecision[];
  readonly model: ModelBundle;
  readonly runs: number;
  readonly rowsScored: number;
  /** Every detection of the handler's detector (container, step, grade, expected values), in order. */
  readonly detections: readonly DetectedStep[];
  /**
   * alerts.jsonl, model.json, summary.json; metrics.csv (every simulated sample as feature rows, the input
   * `cad train` / `cad backtest` read); truth.csv (the injected incidents); report.html.
   */
  readonly files: { readonly alerts: string; readonly model: string; readonly summary: string; readonly metrics: string; readonly truth: string; readonly report: string };
}

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** The detect Lambda's default schedule: every 5 minutes. */
export const DEMO_RUN_EVERY_MIN = 5;

/**
 * The whole loop on this machine: simulate an ECS service (tasks of an app and an Envoy sidecar), train on the
 * first (quiet) day — the streaming detector replays it, one model per container name — then stream the
 * remaining days through the detect handler every 5 simulated minutes with local adapters — the trained
 * detector as the embedded scorer, alerts to a JSONL file, the simulator as scaler — and match the alerts
 * against the injected truth.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  if (opts.days < 2) throw new Error(`--days must be at least 2 (one day to train, then detection), got ${opts.days}`);
  const start = DEMO_START;
  const end = start + opts.days * DAY;
  const truth = [...defaultIncidentPlan(start, opts.days, opts.tasks), ...(opts.weekly && opts.days >= 7 ? [weekendCrash(start, opts.tasks)] : [])];
  const sim = new EcsServiceSimulator({ service: DEMO_SERVICE, tasks: opts.tasks, seed: opts.seed, startMs: start, incidents: [...truth, ...(opts.unlabelled ?? [])], ...(opts.weekly ? { trafficLevel: weekendTraffic } : {}) });

  sim.advanceTo(start + DAY);
  const trainingSamples = await sim.fetch(DEMO_SERVICE, { from: start, to: start + DAY });
  const trainOptions = { featureSet: DEFAULT_FEATURE_SET, seed: opts.seed, trainedAt: new Date(start + DAY).toISOString() };
  // With calendars the model learns load relative to the hour's level, as the detect handler scores it.
  const calendars = opts.detectSettings?.rules?.calendars;
  const { model, vectors } = calendars ? trainOnRows(rowsAtCalendarLevel(alignSamples(trainingSamples, DEFAULT_FEATURE_SET).rows, calendars, DEFAULT_FEATURE_SET), trainOptions) : trainModel(trainingSamples, trainOptions);
  opts.onTrained?.(model, vectors);

  rmSync(opts.out, { recursive: true, force: true });
  mkdirSync(opts.out, { recursive: true });
  const files = {
    alerts: join(opts.out, "alerts.jsonl"),
    model: join(opts.out, "model.json"),
    summary: join(opts.out, "summary.json"),
    metrics: join(opts.out, "metrics.csv"),
    truth: join(opts.out, "truth.csv"),
    report: join(opts.out, "report.html"),
  };
  // The containers incidents are pinned to, by task index, before any scaling adds tasks.
  const initialContainers = sim.containers();
  writeFileSync(files.model, JSON.stringify(model));

  const events: IncidentEvent[] = [];
  const jsonl = new JsonlAlertSink(files.alerts);
  const alerts: AlertSink = {
    async send(e) {
      await jsonl.send(e);
      events.push(e);
      opts.onEvent?.(e);
    },
  };
  let now = start + DAY;
  const recorder = new DetectionRecorder();
  const detect = makeDetectHandler({
    services: [{ name: DEMO_SERVICE, scaling: { minTasks: opts.tasks, maxTasks: opts.tasks * 2, maxStep: 2, cooldownMs: 10 * MIN } }],
    source: sim,
    model: embeddedModel(model, files.model),
    observe: recorder.observe,
    featureSet: DEFAULT_FEATURE_SET,
    alerts,
    scaler: sim,
    state: new MemoryStateStore(),
    clock: { now: () => now },
    log: new ConsoleLog("warn"),
    settings: opts.detectSettings,
  });

  let runs = 0;
  let rowsScored = 0;
  const totalRuns = Math.floor((end - start - DAY) / (DEMO_RUN_EVERY_MIN * MIN));
  for (now = start + DAY + DEMO_RUN_EVERY_MIN * MIN; now <= end; now += DEMO_RUN_EVERY_MIN * MIN) {
    sim.advanceTo(now);
    const summary: DetectRunSummary = await detect();
    runs++;
    rowsScored += summary.services.reduce((s, x) => s + x.rowsScored, 0);
    opts.onProgress?.(runs, totalRuns);
  }

  const report = matchIncidents(events, truth, 30 * MIN);
  const scalingActions = sim.scalingLog.map((s) => s.decision);
  const result: DemoResult = { service: DEMO_SERVICE, start, end, truth, events, report, scalingActions, model, runs, rowsScored, detections: recorder.steps, files };

  // Everything the simulator produced, as the collector would have written it: the input of the train → backtest round trip.
  const allRows = alignSamples(await sim.fetch(DEMO_SERVICE, { from: start, to: end }), DEFAULT_FEATURE_SET, { from: start, to: end }).rows;
  writeFileSync(files.metrics, formatFeatureRowsCsv(allRows, DEFAULT_FEATURE_SET));
  const truthWindows: TruthWindow[] = truth.map((t) => ({ service: DEMO_SERVICE, start: t.start, end: t.end, kind: t.kind, container: t.task === undefined ? undefined : initialContainers[t.task] }));
  writeFileSync(files.truth, formatTruthCsv(truthWindows));
  const reportModel = buildReportModel({
    title: `cad demo: simulated service "${DEMO_SERVICE}", ${opts.days} days, ${opts.tasks} tasks, seed ${opts.seed}`,
    subtitle: `Day 1 trained the streaming detector (one forest per container name: ${model.detector?.containerNames.join(", ")}); days 2–${opts.days} streamed through the detect handler every ${DEMO_RUN_EVERY_MIN} minutes. The summary and the incident table compare the incidents with the injected ones.`,
    featureSet: DEFAULT_FEATURE_SET,
    rows: allRows,
    detections: recorder.steps,
    events,
    scaling: sim.scalingLog.map((s) => ({ at: s.at, decision: s.decision, applied: true })),
    truth: truthWindows,
    training: { start, end: start + DAY },
  });
  writeFileSync(files.report, renderReportHtml(reportModel));
  writeFileSync(
    files.summary,
    JSON.stringify({ service: DEMO_SERVICE, days: opts.days, seed: opts.seed, tasks: opts.tasks, runs, rowsScored, matches: report.matches, falseAlerts: report.falseAlerts, scalingActions }, null, 2),
  );
  return result;
}

/** `--weekly`: Saturday and Sunday (UTC) carry {@link DEMO_WEEKEND_LEVEL} of a weekday's traffic. */
function weekendTraffic(t: number): number {
  const day = new Date(t).getUTCDay();
  return day === 0 || day === 6 ? DEMO_WEEKEND_LEVEL : 1;
}

/** `--weekly` over a week: a crash loop on Sunday 11:00 UTC (day 7 of a demo starting on Monday), in the trough. */
function weekendCrash(start: number, tasks: number): InjectedIncident {
  const at = start + 6 * DAY + 11 * 60 * MIN;
  return { kind: "crash-loop", start: at, end: at + 40 * MIN, task: 0, description: `one of ${tasks} containers restarts every 3 minutes (Sunday, low traffic)` };
}
