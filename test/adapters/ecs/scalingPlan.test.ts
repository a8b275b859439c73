import { describe, expect, it } from "vitest";
import { planRestore, planScaleOut, type CapacitySetting, type ScalerRecord } from "../../../runtime/adapters/ecs/scalingPlan";
import { Random } from "../../../runtime/model/random";

const record = (original: number, raisedTo: number): ScalerRecord => ({ format: "cad-scaler/1", mode: "min-capacity", raised: true, original, raisedTo, lastActionAt: 0 });

describe("planScaleOut", () => {
  it("never goes above the ceiling nor more than maxStep above desired, and never lowers the setting (1,000 random cases)", () => {
    const rng = new Random(11);
    for (let i = 0; i < 1_000; i++) {
      const ceiling = rng.int(20);
      const desiredTasks = rng.int(ceiling + 1);
      const current = rng.int(ceiling + 1);
      const setting: CapacitySetting = { mode: "min-capacity", current, desiredTasks, floor: 0, ceiling };
      const maxStep = 1 + rng.int(4);
      const plan = planScaleOut(rng.int(40), setting, maxStep);
      expect(plan.to).toBeLessThanOrEqual(Math.max(ceiling, current));
      if (plan.change) {
        expect(plan.to).toBeGreaterThan(current);
        expect(plan.to).toBeLessThanOrEqual(desiredTasks + maxStep);
        expect(plan.to).toBeLessThanOrEqual(ceiling);
      } else {
        expect(plan.to).toBe(current);
      }
    }
  });

  it("explains each limit it applied", () => {
    const setting: CapacitySetting = { mode: "desired-count", current: 1, desiredTasks: 1, floor: 3, ceiling: 10 };
    expect(planScaleOut(2, setting, 5)).toEqual({ change: true, to: 3, why: "raise desiredCount 1 -> 3 (requested 2, limited by floor 3)" });
  });
});

describe("planRestore", () => {
  const setting: CapacitySetting = { mode: "min-capacity", current: 6, desiredTasks: 6, floor: 0, ceiling: 8 };

  it("puts back exactly the original value when the setting still holds ours", () => {
    expect(planRestore(record(2, 6), setting)).toEqual({ change: true, to: 2, why: "restore MinCapacity 6 -> 2, its value before the raise" });
  });

  it("keeps the original within today's ceiling if MaxCapacity was lowered meanwhile", () => {
    expect(planRestore(record(5, 3), { ...setting, current: 3, ceiling: 4 }).to).toBe(4);
  });

  it("does nothing without a recorded raise, or when the scaling mode changed", () => {
    expect(planRestore(undefined, setting).change).toBe(false);
    expect(planRestore({ ...record(2, 6), raised: false }, setting).change).toBe(false);
    expect(planRestore({ ...record(2, 6), mode: "desired-count" }, setting).why).toMatch(/now scales by MinCapacity/);
  });
});
