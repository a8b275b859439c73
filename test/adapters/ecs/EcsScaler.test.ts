import { DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from "@aws-sdk/client-application-auto-scaling";
import { DescribeServicesCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { EcsScaler, ScalingRefusedError, type EcsScalerOptions } from "../../../runtime/adapters/ecs/EcsScaler";
import type { ScalerRecord } from "../../../runtime/adapters/ecs/scalingPlan";
import { MemoryStateStore } from "../../../runtime/adapters/memory/MemoryStateStore";
import type { Versioned } from "../../../runtime/ports";
import type { ScalingDecision } from "../../../runtime/types";
import { fakeEcsService, steady, type FakeServiceState } from "../../helpers/fakeEcsService";
import { RecordingLog } from "../../helpers/recordingLog";

/** An MemoryStateStore whose calls take one event-loop turn, like a network store: overlapping callers interleave. */
class SlowStateStore extends MemoryStateStore {
  override async load<T>(key: string): Promise<Versioned<T> | undefined> {
    await new Promise((resolve) => setImmediate(resolve));
    return super.load<T>(key);
  }
  override async save<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    return super.save(key, value, expectedVersion);
  }
}

const T0 = Date.UTC(2026, 10, 25, 1, 0);
const MIN = 60_000;

let now: number;
let log: RecordingLog;
let state: MemoryStateStore;
let svc: FakeServiceState;
let aws: ReturnType<typeof fakeEcsService>;

function scaler(options: Partial<EcsScalerOptions> = {}): EcsScaler {
  return new EcsScaler({
    ecs: aws.ecsClient,
    autoScaling: aws.aasClient,
    state,
    cluster: "prod",
    defaultBounds: { minTasks: 1, maxTasks: 8 },
    maxStep: 2,
    cooldownMs: 10 * MIN,
    clock: { now: () => now },
    log,
    ...options,
  });
}
const out = (toTasks: number, incidentId = "checkout:1"): ScalingDecision => ({
  service: "checkout",
  action: "scale-out",
  fromTasks: 2,
  toTasks,
  reason: "saturation: cpu 97% vs 40% expected",
  incidentId,
});
const restore: ScalingDecision = { service: "checkout", action: "restore", fromTasks: 6, toTasks: 2, reason: "incident resolved", incidentId: "checkout:1" };
const writes = (): unknown[] => [
  ...aws.aas.commandCalls(RegisterScalableTargetCommand).map((c) => c.args[0].input),
  ...aws.ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input),
];

beforeEach(() => {
  now = T0;
  log = new RecordingLog();
  state = new MemoryStateStore();
  svc = { cluster: "prod", service: "checkout", desiredCount: 2, runningCount: 2, deployments: steady, target: { min: 2, max: 6 } };
  aws = fakeEcsService(svc);
});

describe("EcsScaler.describe", () => {
  it("reads the service with DescribeServices and reports a rolling deployment", async () => {
    expect(await scaler().describe("checkout")).toEqual({ desiredTasks: 2, runningTasks: 2, deploying: false });
    expect(aws.ecs.commandCalls(DescribeServicesCommand)[0].args[0].input).toEqual({ cluster: "prod", services: ["checkout"] });
    svc.deployments = [
      { id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS" },
      { id: "ecs-svc/1", status: "ACTIVE", rolloutState: "COMPLETED" },
    ];
    expect((await scaler().describe("checkout")).deploying).toBe(true);
  });

  it("fails clearly for a service that does not exist", async () => {
    await expect(scaler().describe("nope")).rejects.toThrow('ECS service "nope" in cluster "prod": MISSING');
  });
});

describe("EcsScaler with an Application Auto Scaling target", () => {
  it("raises MinCapacity by at most the max step, never beyond MaxCapacity, and restores the original MinCapacity", async () => {
    svc.target = { min: 2, max: 5 };
    const first = await scaler().applyDecision(out(10));
    expect(first).toMatchObject({ applied: true, dryRun: false, target: "min-capacity", toTasks: 4 });
    expect(first.reason).toBe("raise MinCapacity 2 -> 4 (requested 10, limited by max step 2 from desired 2)");
    expect(aws.aas.commandCalls(DescribeScalableTargetsCommand)[0].args[0].input).toEqual({
      ServiceNamespace: "ecs",
      ResourceIds: ["service/prod/checkout"],
      ScalableDimension: "ecs:service:DesiredCount",
    });
    expect(writes()).toEqual([{ ServiceNamespace: "ecs", ResourceId: "service/prod/checkout", ScalableDimension: "ecs:service:DesiredCount", MinCapacity: 4 }]);
    expect(aws.ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0); // target tracking would undo a desiredCount change

    now += 11 * MIN;
    const second = await scaler().applyDecision(out(10));
    expect(second).toMatchObject({ applied: true, toTasks: 5, reason: "raise MinCapacity 4 -> 5 (requested 10, limited by max step 2 from desired 4 and ceiling 5)" });
    now += 11 * MIN;
    const third = await scaler().applyDecision(out(10));
    expect(third).toMatchObject({ applied: false, toTasks: 5 });
    expect(svc.target).toEqual({ min: 5, max: 5 });

    const restored = await scaler().applyDecision(restore);
    expect(restored).toMatchObject({ applied: true, toTasks: 2, reason: "restore MinCapacity 5 -> 2, its value before the raise" });
    expect(svc.target).toEqual({ min: 2, max: 5 });
    expect(writes().at(-1)).toEqual({ ServiceNamespace: "ecs", ResourceId: "service/prod/checkout", ScalableDimension: "ecs:service:DesiredCount", MinCapacity: 2 });
    expect((await state.load<ScalerRecord>("scaler/prod/checkout"))?.value).toMatchObject({ raised: false, original: 2, raisedTo: 5 });

    const again = await scaler().applyDecision(restore);
    expect(again).toMatchObject({ applied: false, reason: "nothing to restore: no raise of MinCapacity is recorded" });
  });

  it("refuses a second scale-out inside the cooldown (no flapping) and logs why", async () => {
    await scaler().applyDecision(out(3));
    now += 5 * MIN;
    const error = await scaler().applyDecision(out(5)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScalingRefusedError);
    expect((error as Error).message).toBe('scaling of "checkout" refused: cooldown: last change 300 s ago, cooldown is 600 s');
    expect(writes()).toHaveLength(1);
    expect(log.entries.find((e) => e.message === "scaling refused")?.fields).toMatchObject({ service: "checkout", why: expect.stringContaining("cooldown") });
  });

  it("does nothing while a deployment is in progress", async () => {
    svc.deployments = [{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS" }];
    await expect(scaler().applyDecision(out(4))).rejects.toThrow(/refused: a deployment is in progress/);
    await expect(scaler().applyDecision(restore)).rejects.toBeInstanceOf(ScalingRefusedError);
    expect(writes()).toEqual([]);
    expect(state.keys()).toEqual([]);
  });

  it("leaves MinCapacity alone on restore when someone else changed it since, and forgets the raise", async () => {
    await scaler().applyDecision(out(4));
    svc.target = { min: 5, max: 6 }; // an operator raised it further by hand
    const outcome = await scaler().applyDecision(restore);
    expect(outcome).toMatchObject({ applied: false, reason: "MinCapacity is 5, not the 4 we set: changed by someone else since, left alone" });
    expect(svc.target).toEqual({ min: 5, max: 6 });
    expect((await state.load<ScalerRecord>("scaler/prod/checkout"))?.value.raised).toBe(false);
  });

  it("two overlapping invocations: exactly one scales, the other is refused (no double scaling)", async () => {
    state = new SlowStateStore(); // both invocations load the record before either saves it
    const results = await Promise.allSettled([scaler().applyDecision(out(4, "a")), scaler().applyDecision(out(4, "b"))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ScalingRefusedError);
    expect(String(refused.reason)).toMatch(/another invocation/);
    expect(aws.aas.commandCalls(RegisterScalableTargetCommand)).toHaveLength(1);
    expect(svc.target).toEqual({ min: 4, max: 6 });
  });

  it("a restore that happened is reported as applied even if recording it fails", async () => {
    await scaler().applyDecision(out(4));
    const save = state.save.bind(state);
    state.save = () => Promise.reject(new Error("S3 unavailable"));
    expect(await scaler().applyDecision(restore)).toMatchObject({ applied: true, toTasks: 2 });
    expect(svc.target).toEqual({ min: 2, max: 6 });
    expect(log.entries.find((e) => e.message === "restored, but could not record it")?.fields.error).toBe("Error: S3 unavailable");
    state.save = save;
    // The stale record is recognised as such on the next restore: nothing is changed.
    expect(await scaler().applyDecision(restore)).toMatchObject({ applied: false, reason: "MinCapacity is already back at its original 2" });
    expect(svc.target).toEqual({ min: 2, max: 6 });
    expect((await state.load<ScalerRecord>("scaler/prod/checkout"))?.value.raised).toBe(false);
  });

  it("dry-run decides and logs, but changes neither AWS nor the state", async () => {
    const outcome = await scaler({ dryRun: true }).applyDecision(out(4));
    expect(outcome).toEqual({ applied: false, dryRun: true, target: "min-capacity", toTasks: 4, reason: "dry-run: would raise MinCapacity 2 -> 4" });
    expect(writes()).toEqual([]);
    expect(state.keys()).toEqual([]);
    expect(log.entries.find((e) => e.message === "scaling decision")?.fields).toMatchObject({
      service: "checkout",
      action: "scale-out",
      dryRun: true,
      why: "dry-run: would raise MinCapacity 2 -> 4",
      decisionReason: "saturation: cpu 97% vs 40% expected",
    });
  });

  it("dry-run restore says what it would put back and keeps the recorded raise", async () => {
    await scaler().applyDecision(out(4));
    const outcome = await scaler({ dryRun: true }).applyDecision(restore);
    expect(outcome).toEqual({ applied: false, dryRun: true, target: "min-capacity", toTasks: 2, reason: "dry-run: would restore MinCapacity 4 -> 2, its value before the raise" });
    expect(svc.target).toEqual({ min: 4, max: 6 });
    expect((await state.load<ScalerRecord>("scaler/prod/checkout"))?.value.raised).toBe(true);
  });

  it("an AWS failure rejects naming the call, and leaves no raise recorded to restore", async () => {
    aws.aas.on(RegisterScalableTargetCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ConcurrentUpdateException" }));
    await expect(scaler().applyDecision(out(4))).rejects.toThrow('scale-out of "checkout" failed: RegisterScalableTarget: ConcurrentUpdateException: Rate exceeded');
    expect(svc.target).toEqual({ min: 2, max: 6 });
    expect(log.entries.some((e) => e.level === "error" && e.message === "scaling failed")).toBe(true);
    expect(await scaler().applyDecision(restore)).toMatchObject({ applied: false, reason: "nothing to restore: no raise of MinCapacity is recorded" });
  });
});

describe("EcsScaler without a scalable target", () => {
  beforeEach(() => {
    svc.target = undefined;
  });

  it("sets desiredCount within the configured bounds and restores the previous desiredCount", async () => {
    // Per-service limits in the shape of the detection's ScalingPolicy override the scaler-wide ones.
    const s = scaler({ serviceBounds: { checkout: { minTasks: 2, maxTasks: 5, maxStep: 3, cooldownMs: 0 } } });
    expect(await s.applyDecision(out(20))).toMatchObject({ applied: true, target: "desired-count", toTasks: 5, reason: "raise desiredCount 2 -> 5 (requested 20, limited by max step 3 from desired 2)" });
    expect(await s.applyDecision(out(20))).toMatchObject({ applied: false, toTasks: 5 });
    expect(svc.desiredCount).toBe(5);
    expect(await s.applyDecision(restore)).toMatchObject({ applied: true, toTasks: 2 });
    expect(writes()).toEqual([
      { cluster: "prod", service: "checkout", desiredCount: 5 },
      { cluster: "prod", service: "checkout", desiredCount: 2 },
    ]);
    expect(aws.aas.commandCalls(RegisterScalableTargetCommand)).toHaveLength(0);
  });

  it("an UpdateService failure rejects with the call named and the desired count unchanged", async () => {
    aws.ecs.on(UpdateServiceCommand).rejects(Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }));
    await expect(scaler().applyDecision(out(3))).rejects.toThrow('scale-out of "checkout" failed: UpdateService: AccessDeniedException: User is not authorized');
    expect(svc.desiredCount).toBe(2);
  });
});

describe("EcsScaler configuration", () => {
  it("rejects bad bounds, naming the service and field", () => {
    expect(() => scaler({ serviceBounds: { api: { minTasks: 3, maxTasks: 2 } } })).toThrow('scaling bounds of "api": maxTasks must be an integer >= minTasks (3), got 2');
    expect(() => scaler({ maxStep: 0 })).toThrow('scaling bounds of "default": maxStep must be an integer >= 1, got 0');
    expect(() => scaler({ serviceBounds: { api: { minTasks: 1, maxTasks: 2, cooldownMs: -1 } } })).toThrow('scaling bounds of "api": cooldownMs must be a number >= 0, got -1');
    expect(() => scaler({ cluster: "" })).toThrow(/cluster is required/);
  });

  it("rejects a decision it cannot apply", async () => {
    await expect(scaler().applyDecision({ ...restore, action: "none" })).rejects.toThrow(/action must be scale-out or restore/);
    await expect(scaler().applyDecision(out(-1))).rejects.toThrow(/toTasks .* must be an integer >= 0/);
  });
});

describe("EcsScaler with a target (a service found in a cluster)", () => {
  it("scales the service in the target's cluster, within the target's bounds, and records it under that cluster", async () => {
    svc.cluster = "batch";
    svc.target = undefined;
    const target = { cluster: "batch", minTasks: 1, maxTasks: 3 };
    expect(await scaler().describe("checkout", target)).toMatchObject({ desiredTasks: 2 });
    const raised = await scaler().applyDecision(out(10), target);
    // The default bounds would allow 4 (max step 2); the target's maxTasks stops it at 3.
    expect(raised).toMatchObject({ applied: true, target: "desired-count", toTasks: 3 });
    expect(aws.ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: "batch", service: "checkout", desiredCount: 3 }]);
    expect(await state.load("scaler/batch/checkout")).toBeDefined();
    expect(await state.load("scaler/prod/checkout")).toBeUndefined();
    now += 11 * MIN;
    expect(await scaler().applyDecision(restore, target)).toMatchObject({ applied: true, toTasks: 2 });
  });

  it("keeps a configured service's bounds over a target's, and refuses a target with crossed bounds", async () => {
    svc.target = undefined;
    const configured = scaler({ serviceBounds: { checkout: { minTasks: 1, maxTasks: 8 } } });
    expect(await configured.applyDecision(out(4), { cluster: "prod", minTasks: 1, maxTasks: 2 })).toMatchObject({ applied: true, toTasks: 4 });
    await expect(scaler().applyDecision(out(4), { cluster: "prod", minTasks: 5, maxTasks: 2 })).rejects.toThrow('scaling bounds of "checkout": maxTasks must be an integer >= minTasks (5), got 2');
  });
});
