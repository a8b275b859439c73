import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
  type ScalableTarget,
} from "@aws-sdk/client-application-auto-scaling";
import { DescribeServicesCommand, UpdateServiceCommand, type ECSClient, type Service } from "@aws-sdk/client-ecs";
import { StateConflictError, type Clock, type Log, type Scaler, type ScalingOutcome, type ScalingTarget, type ServiceCapacity, type StateStore } from "../../ports";
import type { ScalingDecision } from "../../types";
import { checkBounds, planRestore, planScaleOut, type CapacitySetting, type ScalerRecord, type ScalingBounds, type ScalingPlan } from "./scalingPlan";
import { CadError } from "../../errors/CadError";
import { errorDescription } from "../../errors/errorMessage";

export interface EcsScalerOptions {
  readonly ecs: ECSClient;
  readonly autoScaling: ApplicationAutoScalingClient;
  /** Remembers each raise (the original value, what we set, when) so restore puts back exactly what was there. */
  readonly state: StateStore;
  readonly cluster: string;
  /** Limits of services without their own entry in `serviceBounds`. */
  readonly defaultBounds: ScalingBounds;
  /** Per-service limits, e.g. each watched service's ScalingPolicy (same shape). */
  readonly serviceBounds?: Readonly<Record<string, ScalingBounds>>;
  /** Most tasks one scale-out may add above the current desired count, unless the service's bounds say. Default 2. */
  readonly maxStep?: number;
  /**
   * No scale-out within this many ms of our last change to the service (raise or restore). A second guard
   * behind the decision logic's own cooldown (it survives a lost detector state); 0 turns it off. A service's
   * bounds may override it.
   */
  readonly cooldownMs: number;
  /** Decide and log, but change nothing (neither AWS nor the state). */
  readonly dryRun?: boolean;
  readonly clock: Clock;
  readonly log: Log;
  /** Prefix of state keys; the key is `<prefix><cluster>/<service>`. Default `scaler/`. */
  readonly statePrefix?: string;
}

/** Scaling was not attempted because it would be unsafe now (deployment, cooldown, another writer). Retry later. */
export class ScalingRefusedError extends CadError {
  constructor(
    readonly service: string,
    readonly why: string,
  ) {
    super(`scaling of "${service}" refused: ${why}`, "ScalingRefusedError");
  }
}

const NAMESPACE = "ecs";
const DIMENSION = "ecs:service:DesiredCount";

/**
 * Scales ECS services safely. If the service has an Application Auto Scaling target, a scale-out raises the
 * target's MinCapacity (RegisterScalableTarget) — setting desiredCount would be undone by target tracking —
 * and restore puts back the MinCapacity it had before; otherwise it sets desiredCount (UpdateService) within
 * the configured bounds and restore puts back the previous desiredCount. Never above MaxCapacity / maxTasks,
 * at most `maxStep` tasks per scale-out, nothing during a deployment, no scale-out inside the cooldown, and
 * two overlapping invocations cannot both scale (the raise is recorded with a conditional write first).
 * Every decision is logged with why.
 */
export class EcsScaler implements Scaler {
  private readonly maxStep: number;
  private readonly cooldownMs: number;

  constructor(private readonly options: EcsScalerOptions) {
    if (!options.cluster) throw new Error("EcsScaler: cluster is required");
    this.maxStep = options.maxStep ?? 2;
    this.cooldownMs = options.cooldownMs;
    if (!Number.isFinite(this.cooldownMs) || this.cooldownMs < 0) throw new Error(`EcsScaler: cooldownMs must be >= 0, got ${this.cooldownMs}`);
    checkBounds("default", options.defaultBounds, this.maxStep, this.cooldownMs);
    for (const [service, bounds] of Object.entries(options.serviceBounds ?? {})) checkBounds(service, bounds, this.maxStep, this.cooldownMs);
  }

  async describe(service: string, target?: ScalingTarget): Promise<ServiceCapacity> {
    const s = await this.readService(service, this.clusterOf(target));
    return { desiredTasks: s.desiredCount ?? 0, runningTasks: s.runningCount ?? 0, deploying: isDeploying(s) };
  }

  /** The Scaler port: applies the decision; see {@link EcsScaler.applyDecision} for what it did. */
  async apply(decision: ScalingDecision, target?: ScalingTarget): Promise<ScalingOutcome> {
    return this.applyDecision(decision, target);
  }

  /**
   * Applies a `scale-out` or `restore` decision and says what was done (also when nothing or dry-run).
   * Rejects with ScalingRefusedError when acting now would be unsafe, or with an Error naming the failed AWS call.
   * `target`: a service found in a cluster rather than configured — its cluster and bounds (a configured service's
   * own bounds still win).
   */
  async applyDecision(decision: ScalingDecision, target?: ScalingTarget): Promise<ScalingOutcome> {
    const { service, action } = decision;
    if (action !== "scale-out" && action !== "restore") throw new Error(`EcsScaler.apply: action must be scale-out or restore, got "${action}"`);
    if (!Number.isInteger(decision.toTasks) || decision.toTasks < 0) {
      throw new Error(`EcsScaler.apply: toTasks of "${service}" must be an integer >= 0, got ${decision.toTasks}`);
    }
    const cluster = this.clusterOf(target);
    const bounds = this.boundsOf(service, target);
    const svc = await this.readService(service, cluster);
    if (isDeploying(svc)) return this.refuse(decision, "a deployment is in progress; the deployment controls the task count until it completes");
    const scalable = await this.readTarget(service, cluster);
    const setting = this.settingOf(bounds, svc, scalable);
    const key = this.stateKey(service, cluster);
    const stored = await this.options.state.load<ScalerRecord>(key);
    const now = this.options.clock.now();

    if (action === "scale-out") {
      const cooldownMs = bounds.cooldownMs ?? this.cooldownMs;
      const since = stored ? now - stored.value.lastActionAt : Number.POSITIVE_INFINITY;
      if (since < cooldownMs) {
        return this.refuse(decision, `cooldown: last change ${Math.round(since / 1000)} s ago, cooldown is ${Math.round(cooldownMs / 1000)} s`);
      }
      const plan = planScaleOut(decision.toTasks, setting, bounds.maxStep ?? this.maxStep);
      if (!plan.change || this.options.dryRun) return this.outcome(decision, setting, plan, false);
      const raised = stored?.value.raised && stored.value.mode === setting.mode;
      const record: ScalerRecord = {
        format: "cad-scaler/1",
        mode: setting.mode,
        raised: true,
        original: raised ? stored.value.original : setting.current,
        raisedTo: plan.to,
        ...(decision.incidentId ? { incidentId: decision.incidentId } : {}),
        lastActionAt: now,
      };
      // Record first, conditionally: of two overlapping invocations only one gets to scale.
      const version = await this.claim(decision, key, record, stored?.version);
      try {
        await this.write(service, cluster, setting.mode, plan.to);
      } catch (error) {
        // The raise did not happen: put the record back so restore does not act on it (best effort).
        await this.restoreRecord(key, stored?.value, version).catch((e: unknown) =>
          this.options.log.error("could not roll back the scaler record after a failed scale-out", { service, key, error: String(e) }),
        );
        throw this.failure(decision, setting.mode, error);
      }
      return this.outcome(decision, setting, plan, true);
    }

    const plan = planRestore(stored?.value, setting);
    if (!plan.change || this.options.dryRun) {
      if (!plan.change && stored?.value.raised && !this.options.dryRun) {
        // The recorded raise no longer applies (changed by someone else, or scaling mode changed): forget it.
        await this.claim(decision, key, { ...stored.value, raised: false, lastActionAt: now }, stored.version);
      }
      return this.outcome(decision, setting, plan, false);
    }
    // Write AWS first, then the record: if the record write fails, the next restore sees the value is no longer
    // the raised one and forgets it — the original value is never lost.
    try {
      await this.write(service, cluster, setting.mode, plan.to);
    } catch (error) {
      throw this.failure(decision, setting.mode, error);
    }
    try {
      await this.options.state.save(key, { ...(stored?.value as ScalerRecord), raised: false, lastActionAt: now }, stored?.version);
    } catch (error) {
      // The restore itself happened; only its record is stale. The next restore sees the value is no longer the
      // raised one and forgets the record, so report success and warn.
      this.options.log.warn("restored, but could not record it", { service, key, error: describeError(error) });
    }
    return this.outcome(decision, setting, plan, true);
  }

  private clusterOf(target: ScalingTarget | undefined): string {
    return target?.cluster ?? this.options.cluster;
  }

  /** A configured service's bounds, else the target's (checked like the configured ones), else the defaults. */
  private boundsOf(service: string, target: ScalingTarget | undefined): ScalingBounds {
    const configured = this.options.serviceBounds?.[service];
    if (configured || !target) return configured ?? this.options.defaultBounds;
    const bounds = { minTasks: target.minTasks, maxTasks: target.maxTasks };
    checkBounds(service, bounds, this.maxStep, this.cooldownMs);
    return bounds;
  }

  private stateKey(service: string, cluster: string): string {
    return `${this.options.statePrefix ?? "scaler/"}${cluster}/${service}`;
  }

  private settingOf(bounds: ScalingBounds, svc: Service, target: ScalableTarget | undefined): CapacitySetting {
    const desiredTasks = svc.desiredCount ?? 0;
    if (target) {
      const max = target.MaxCapacity ?? 0;
      return { mode: "min-capacity", current: target.MinCapacity ?? 0, desiredTasks, floor: 0, ceiling: Math.min(max, bounds.maxTasks) };
    }
    return { mode: "desired-count", current: desiredTasks, desiredTasks, floor: bounds.minTasks, ceiling: bounds.maxTasks };
  }

  private async readService(service: string, cluster: string): Promise<Service> {
    const { ecs } = this.options;
    let out;
    try {
      out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    } catch (error) {
      throw new Error(`ECS DescribeServices of "${service}" in cluster "${cluster}" failed: ${describeError(error)}`, { cause: error });
    }
    const failure = out.failures?.[0];
    if (failure) throw new Error(`ECS service "${service}" in cluster "${cluster}": ${failure.reason ?? "failure"}${failure.detail ? ` (${failure.detail})` : ""}`);
    const svc = out.services?.find((s) => s.serviceName === service) ?? out.services?.[0];
    if (!svc) throw new Error(`ECS service "${service}" not found in cluster "${cluster}"`);
    if (svc.status !== undefined && svc.status !== "ACTIVE") throw new Error(`ECS service "${service}" in cluster "${cluster}" is ${svc.status}, not ACTIVE`);
    return svc;
  }

  private async readTarget(service: string, cluster: string): Promise<ScalableTarget | undefined> {
    const ResourceId = `service/${cluster}/${service}`;
    try {
      const out = await this.options.autoScaling.send(
        new DescribeScalableTargetsCommand({ ServiceNamespace: NAMESPACE, ResourceIds: [ResourceId], ScalableDimension: DIMENSION }),
      );
      return out.ScalableTargets?.find((t) => t.ResourceId === ResourceId);
    } catch (error) {
      throw new Error(`Application Auto Scaling DescribeScalableTargets of ${ResourceId} failed: ${describeError(error)}`, { cause: error });
    }
  }

  private async write(service: string, cluster: string, mode: CapacitySetting["mode"], to: number): Promise<void> {
    if (mode === "min-capacity") {
      await this.options.autoScaling.send(
        new RegisterScalableTargetCommand({ ServiceNamespace: NAMESPACE, ResourceId: `service/${cluster}/${service}`, ScalableDimension: DIMENSION, MinCapacity: to }),
      );
    } else {
      await this.options.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: to }));
    }
  }

  private async claim(decision: ScalingDecision, key: string, record: ScalerRecord, version: string | undefined): Promise<string> {
    try {
      return await this.options.state.save(key, record, version);
    } catch (error) {
      if (error instanceof StateConflictError) return this.refuse(decision, "another invocation changed this service's scaling record at the same time");
      throw error;
    }
  }

  private async restoreRecord(key: string, previous: ScalerRecord | undefined, version: string): Promise<void> {
    // A record cannot be deleted through the StateStore port: mark "not raised" instead when there was none.
    const value: ScalerRecord = previous ?? { format: "cad-scaler/1", mode: "desired-count", raised: false, original: 0, raisedTo: 0, lastActionAt: 0 };
    await this.options.state.save(key, value, version);
  }

  private refuse(decision: ScalingDecision, why: string): never {
    this.options.log.warn("scaling refused", { service: decision.service, action: decision.action, requested: decision.toTasks, why, decisionReason: decision.reason, incidentId: decision.incidentId });
    throw new ScalingRefusedError(decision.service, why);
  }

  private failure(decision: ScalingDecision, mode: CapacitySetting["mode"], error: unknown): Error {
    const call = mode === "min-capacity" ? "RegisterScalableTarget" : "UpdateService";
    const message = `${decision.action} of "${decision.service}" failed: ${call}: ${describeError(error)}`;
    this.options.log.error("scaling failed", { service: decision.service, action: decision.action, requested: decision.toTasks, error: message, incidentId: decision.incidentId });
    return new Error(message, { cause: error });
  }

  private outcome(decision: ScalingDecision, setting: CapacitySetting, plan: ScalingPlan, applied: boolean): ScalingOutcome {
    const dryRun = this.options.dryRun === true && plan.change;
    const reason = dryRun ? `dry-run: would ${plan.why}` : plan.why;
    this.options.log.info("scaling decision", {
      service: decision.service,
      action: decision.action,
      target: setting.mode,
      requested: decision.toTasks,
      from: setting.current,
      to: plan.to,
      applied,
      dryRun,
      why: reason,
      decisionReason: decision.reason,
      incidentId: decision.incidentId,
    });
    return { applied, dryRun, target: setting.mode, toTasks: plan.to, reason };
  }
}

/** A deployment is rolling out while there is more than one deployment or the primary one is not completed. */
export function isDeploying(svc: Service): boolean {
  const deployments = svc.deployments ?? [];
  return deployments.length > 1 || deployments.some((d) => d.rolloutState === "IN_PROGRESS");
}

function describeError(error: unknown): string {
  return errorDescription(error);
}
