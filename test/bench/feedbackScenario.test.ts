import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nightlyJobs, nightlyKind, writeFeedbackScenario } from "../../bench/feedbackScenario";
import { DEMO_START } from "../../cli/demo/demoService";
import type { DemoResult } from "../../cli/demo/runDemo";
import { parseTruthCsv } from "../../cli/truthWindows";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dir = mkdtempSync(join(tmpdir(), "cad-feedback-scenario-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let result: DemoResult;
beforeAll(async () => {
  // The shortest scenario: 3 days, the nightly job on the 2nd and 3rd nights. Long work: the timeout holds on a loaded machine.
  result = await writeFeedbackScenario({ seed: 1, days: 3, nightly: "crash-loop", out: join(dir, "s1") });
}, 600_000);

describe("feedbackScenario", () => {
  it("runs a nightly job from 01:00 to 01:30 UTC on task 0 on every night after the training day", () => {
    expect(nightlyJobs("cpu-throttling", 3).map((j) => [j.kind, j.task, j.start - DEMO_START, j.end - DEMO_START])).toEqual([
      ["cpu-throttling", 0, DAY + HOUR, DAY + 1.5 * HOUR],
      ["cpu-throttling", 0, 2 * DAY + HOUR, 2 * DAY + 1.5 * HOUR],
    ]);
    expect(nightlyKind("memory-leak")).toBe("memory-leak");
    expect(() => nightlyKind("backup")).toThrow("--nightly must be one of load-spike, memory-leak, cpu-throttling, network-drop, crash-loop, got backup");
  });

  it("simulates the job but labels only the demo's five incidents: its alerts are false alerts", () => {
    const truth = parseTruthCsv(readFileSync(join(dir, "s1", "truth.csv"), "utf8"), "truth.csv");
    expect(truth.map((t) => t.kind)).toEqual(["load-spike", "memory-leak", "cpu-throttling", "network-drop", "crash-loop"]);
    // The job restarts task 0's app in the data (restarts is the 9th column) while it runs, and nowhere else that night.
    const task0 = readFileSync(result.files.metrics, "utf8").split("\n").filter((l) => l.includes("checkout-0-") && l.includes(",app,"));
    const restartsAt = (iso: string) => task0.filter((l) => l.startsWith(iso)).reduce((s, l) => s + Number(l.split(",")[8]), 0);
    expect(restartsAt("2026-01-06T01:")).toBeGreaterThan(0);
    expect(restartsAt("2026-01-06T02:")).toBe(0);
    const nightly = result.report.falseAlerts.filter((f) => new Date(f.openedAt).getUTCHours() === 1);
    expect(nightly.map((f) => new Date(f.openedAt).toISOString().slice(0, 10))).toEqual(["2026-01-06", "2026-01-07"]);
  });

  it("refuses fewer than 3 days", async () => {
    await expect(writeFeedbackScenario({ seed: 1, days: 2, nightly: "crash-loop", out: join(dir, "x") })).rejects.toThrow("--days an integer >= 3, got 1 and 2");
  });
});
