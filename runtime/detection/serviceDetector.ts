import { ThresholdedForest, type Detection, type ThresholdedForestOptions, type ThresholdedForestState } from "../model/thresholdedForest";
import type { RawScoreSource } from "../model/thresholdedForestOptions";
import type { ReplicaStream, ReplicaStreamState } from "../model/replicaStream";

/** One container's row of one step, as the detector takes it. */
export interface ReplicaRow {
  /** The replica's identity within the service (unique, e.g. task id + container name). */
  readonly container: string;
  /** The replica group: the container name shared by the replicas across tasks ("" when the source gives none). */
  readonly containerName: string;
  /** Raw values in the feature set's metric order; null when the step is a gap (not scored, the shingle restarts). */
  readonly values: readonly number[] | null;
  /** With an external scorer: the raw score of this row's vector (absent = not scorable, e.g. no full shingle). */
  readonly score?: number;
}

/** What the detector says about one container at one step. */
export interface ContainerDetection extends Detection {
  readonly container: string;
  readonly containerName: string;
  readonly timestamp: number;
}

/** How a service's detector is built; not persisted (it comes from the deployment and the model). */
export interface ServiceDetectorConfig {
  /** Metrics per row. */
  readonly inputs: number;
  /** Detector settings of every group (a profile such as CONTAINER_DETECTOR, with the feature set's shingle). */
  readonly detector: Omit<ThresholdedForestOptions, "inputs" | "scorer">;
  readonly scorer: RawScoreSource;
  /** A replica unseen for this long is forgotten (its shingle and alert bookkeeping), ms. */
  readonly replicaTtlMs: number;
  /** A container name unseen for this long is forgotten (its whole model), ms. */
  readonly groupTtlMs: number;
  /** External scorer: the static model's score distribution, to calibrate a fresh group's thresholder. */
  readonly calibration?: { readonly mean: number; readonly sd: number };
  /** Trained group models by container name: a group starts from its trained model instead of learning from scratch. */
  readonly warmStart?: ReadonlyMap<string, ThresholdedForestState>;
}

export interface ServiceDetectorState {
  readonly format: "cad-service-detector/1";
  readonly groups: readonly { readonly name: string; readonly lastSeen: number; readonly model: ThresholdedForestState }[];
  readonly replicas: readonly { readonly container: string; readonly group: string; readonly lastSeen: number; readonly stream: ReplicaStreamState }[];
}

export const DEFAULT_REPLICA_TTL_MS = 60 * 60_000;
export const DEFAULT_GROUP_TTL_MS = 7 * 24 * 60 * 60_000;

interface Group {
  readonly model: ThresholdedForest;
  lastSeen: number;
}

interface Replica {
  readonly group: string;
  readonly stream: ReplicaStream;
  lastSeen: number;
}

/**
 * The detector of one watched service: one {@link ThresholdedForest} per container name, fed by every replica
 * of that container across the service's tasks (ECS task ids change at every deployment and scaling action, so
 * a model per task would never warm up), and a small {@link ReplicaStream} per replica. A new task is scored
 * from its first full shingle; a replica or a container name that stops reporting is forgotten after its TTL.
 * Pure and deterministic: the same rows in the same steps give the same detections, however the steps are
 * split into runs with the state saved in between.
 */
export class ServiceDetector {
  private readonly groups = new Map<string, Group>();
  private readonly replicas = new Map<string, Replica>();

  constructor(readonly config: ServiceDetectorConfig) {
    if (!Number.isInteger(config.inputs) || config.inputs < 1) throw new Error(`inputs must be a positive integer, got ${config.inputs}`);
    if (!(config.replicaTtlMs > 0) || !(config.groupTtlMs > 0)) throw new Error("replicaTtlMs and groupTtlMs must be > 0");
  }

  /** Scores one time step of the service's containers and learns from it; one detection per row with values. */
  process(timestamp: number, rows: readonly ReplicaRow[]): ContainerDetection[] {
    if (!Number.isFinite(timestamp)) throw new Error(`step timestamp must be a finite number, got ${timestamp}`);
    const sorted = [...rows].sort((a, b) => (a.container < b.container ? -1 : a.container > b.container ? 1 : 0));
    const byGroup = new Map<string, { row: ReplicaRow; replica: Replica }[]>();
    const gapGroups = new Set<string>();
    let previous: string | undefined;
    for (const row of sorted) {
      if (row.container === previous) throw new Error(`container "${row.container}" appears twice in the step at ${new Date(timestamp).toISOString()}`);
      previous = row.container;
      const group = this.group(row.containerName, timestamp);
      let replica = this.replicas.get(row.container);
      if (replica && replica.group !== row.containerName) {
        // The same id under another container name: a different container now; start it afresh.
        replica = undefined;
      }
      if (!replica) {
        replica = { group: row.containerName, stream: group.model.newSeries(), lastSeen: timestamp };
        this.replicas.set(row.container, replica);
      }
      replica.lastSeen = timestamp;
      group.lastSeen = timestamp;
      if (row.values === null) {
        replica.stream.resetShingle();
        gapGroups.add(row.containerName);
        continue;
      }
      let list = byGroup.get(row.containerName);
      if (!list) byGroup.set(row.containerName, (list = []));
      list.push({ row, replica });
    }
    const out: ContainerDetection[] = [];
    for (const name of [...byGroup.keys()].sort()) {
      const list = byGroup.get(name) as { row: ReplicaRow; replica: Replica }[];
      const model = (this.groups.get(name) as Group).model;
      const detections = model.processStep(list.map(({ row, replica }) => ({ series: replica.stream, values: row.values as readonly number[], score: row.score })));
      detections.forEach((d, i) => out.push({ ...d, container: list[i].row.container, containerName: name, timestamp }));
    }
    // A container name whose every replica had a gap at this step: its cycles still move on with time.
    for (const name of gapGroups) if (!byGroup.has(name)) this.groups.get(name)?.model.skipStep();
    this.forget(timestamp);
    return out.sort((a, b) => (a.container < b.container ? -1 : a.container > b.container ? 1 : 0));
  }

  /** Replicas currently remembered. */
  replicaCount(): number {
    return this.replicas.size;
  }

  /** Container names with a model, sorted. */
  groupNames(): string[] {
    return [...this.groups.keys()].sort();
  }

  /** The model of a container name (for reports and tests). */
  model(name: string): ThresholdedForest | undefined {
    return this.groups.get(name)?.model;
  }

  toState(): ServiceDetectorState {
    return {
      format: "cad-service-detector/1",
      groups: [...this.groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, g]) => ({ name, lastSeen: g.lastSeen, model: g.model.toState() })),
      replicas: [...this.replicas.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([container, r]) => ({ container, group: r.group, lastSeen: r.lastSeen, stream: r.stream.toState() })),
    };
  }

  /** Restores a detector; throws naming the part of the state at fault. */
  static fromState(config: ServiceDetectorConfig, state: ServiceDetectorState): ServiceDetector {
    if (state?.format !== "cad-service-detector/1") throw new Error(`not a service detector state: format is ${JSON.stringify(state?.format)}, expected "cad-service-detector/1"`);
    const d = new ServiceDetector(config);
    for (const g of state.groups) {
      // The deployment's decision rules apply to the restored model (decisionOptions.ts).
      const model = ThresholdedForest.fromState(g.model, config.detector);
      if (model.options.inputs !== config.inputs) throw new Error(`service detector state: group "${g.name}" has ${model.options.inputs} inputs, the feature set has ${config.inputs}`);
      if (model.options.scorer !== config.scorer) throw new Error(`service detector state: group "${g.name}" scores with "${model.options.scorer}", the deployment with "${config.scorer}"`);
      d.groups.set(g.name, { model, lastSeen: g.lastSeen });
    }
    for (const r of state.replicas) {
      const group = d.groups.get(r.group);
      if (!group) throw new Error(`service detector state: replica "${r.container}" belongs to group "${r.group}", which the state does not hold`);
      d.replicas.set(r.container, { group: r.group, lastSeen: r.lastSeen, stream: group.model.restoreSeries(r.stream, `service detector state: replica "${r.container}"`) });
    }
    return d;
  }

  private group(name: string, timestamp: number): Group {
    let g = this.groups.get(name);
    if (g) return g;
    const warm = this.config.warmStart?.get(name);
    let model: ThresholdedForest;
    if (warm) {
      model = ThresholdedForest.fromState(warm, this.config.detector);
      if (model.options.inputs !== this.config.inputs) throw new Error(`the trained model of container "${name}" has ${model.options.inputs} inputs, the feature set has ${this.config.inputs}`);
    } else {
      const seed = (this.config.detector.seed ?? 42) + nameSeed(name);
      model = new ThresholdedForest({ ...this.config.detector, inputs: this.config.inputs, scorer: this.config.scorer, seed });
      const c = this.config.calibration;
      if (c) model.calibrate(c.mean, c.sd);
    }
    g = { model, lastSeen: timestamp };
    this.groups.set(name, g);
    return g;
  }

  private forget(now: number): void {
    for (const [id, r] of this.replicas) if (now - r.lastSeen > this.config.replicaTtlMs) this.replicas.delete(id);
    for (const [name, g] of this.groups) {
      if (now - g.lastSeen <= this.config.groupTtlMs) continue;
      this.groups.delete(name);
      for (const [id, r] of this.replicas) if (r.group === name) this.replicas.delete(id);
    }
  }
}

/** A small deterministic number from a container name (0 for ""), so groups of one service draw different trees. */
function nameSeed(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return (h >>> 0) % 1_000_003;
}
