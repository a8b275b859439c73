import { describe, expect, it } from "vitest";
import { formatFanOutDemo, runFanOutDemo } from "../../../cli/demo/runFanOutDemo";

describe("cad demo --services (runFanOutDemo)", () => {
  it("runs every service through the planner, queue and workers each cycle; only every fifth gets incidents", async () => {
    const r = await runFanOutDemo({ services: 6, days: 2, seed: 7, tasks: 1, workers: 3 });
    expect(r.cycles).toBe(288);
    expect(r.messages).toBe(288 * 6);
    expect(r.deadLettered).toBe(0);
    expect(r.services.map((s) => [s.service, s.injected, s.failures])).toEqual([
      ["svc-1", 5, 0],
      ["svc-2", 0, 0],
      ["svc-3", 0, 0],
      ["svc-4", 0, 0],
      ["svc-5", 0, 0],
      ["svc-6", 5, 0],
    ]);
    expect(r.services[0].detected).toBeGreaterThan(0);
    const text = formatFanOutDemo(r, 3);
    expect(r.listed).toBe(3);
    expect(text).toContain("6 services (3 listed from the cluster directory), 288 planner cycles, 1728 messages through 3 workers (0 redeliveries, 0 dead-lettered)");
    expect(text.split("\n")[0]).toBe("service  injected  detected  false alerts  alerts sent  scaling  wall ms/message");
  }, 300_000);
});
