import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeEvent } from "../../../cli/demo/describeEvent";
import { runCli } from "../../../cli/main";
import { incident, openEvent, T_START } from "../../helpers/incidentEvents";
import { captureOutput } from "../../helpers/captureOutput";

const io = captureOutput();
const dir = mkdtempSync(join(tmpdir(), "cad-demo-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cad demo usage errors (exit 2, the option named)", () => {
  it.each([
    [["--days", "1"], "cad: --days must be at least 2 (one day trains the model, the following days are scored), got 1"],
    [["--days", "0"], 'cad: --days must be a positive integer, got "0"'],
    [["--tasks", "abc"], 'cad: --tasks must be a positive integer, got "abc"'],
    [["--tasks", "2.5"], 'cad: --tasks must be a positive integer, got "2.5"'],
    [["--seed", "-1"], 'cad: --seed must be an integer >= 0, got "-1"'],
  ])("cad demo %j", async (args, message) => {
    expect(await runCli(["demo", ...args])).toBe(2);
    expect(io.stderr).toContain(message);
    expect(io.stdout).toBe("");
  });
});

describe("cad demo --json", () => {
  it("runs a 2-day demo and prints a machine-readable summary", async () => {
    const out = join(dir, "two-days");
    expect(await runCli(["demo", "--days", "2", "--tasks", "2", "--seed", "3", "--out", out, "--json"])).toBe(0);
    const summary = JSON.parse(io.stdout) as { injected: number; detected: number; falseAlerts: number; runs: number; matches: { kind: string; detected: boolean }[]; files: { alerts: string } };
    expect(summary.injected).toBe(5);
    expect(summary.runs).toBe(288);
    expect(summary.matches.map((m) => m.kind)).toEqual(["load-spike", "memory-leak", "cpu-throttling", "network-drop", "crash-loop"]);
    expect(summary.detected).toBe(summary.matches.filter((m) => m.detected).length);
    expect(summary.files.alerts).toBe(join(out, "alerts.jsonl"));
    expect(readFileSync(summary.files.alerts, "utf8").trim().split("\n").length).toBeGreaterThan(0);
  });
});

describe("cad demo --weekly", () => {
  it("applies to the single-service demo only", async () => {
    expect(await runCli(["demo", "--services", "2", "--weekly"])).toBe(2);
    expect(io.stderr).toContain("--weekly applies to the single-service demo");
  });
});

describe("describeEvent", () => {
  it("prints the incident, its top metrics and the scaling taken", () => {
    const text = describeEvent(openEvent());
    expect(text).toBe(
      [
        "[2026-11-25 00:52] OPEN    checkout saturation on 2 container(s) (web), grade 0.82, confidence 0.90",
        "                   top: container.cpu.utilization 97.2 %, expected 41.5 % (+9.3 sd); container.network.io.usage.rx_bytes 8.1 M bytes/s, expected 2.2 M bytes/s (+4.1 sd); container.memory.percent 55 %, expected 52 % (+0.6 sd)",
        "                   scaling: scale-out 2 → 4 tasks — saturation: cpu above capacity",
      ].join("\n"),
    );
  });

  it("says when scaling failed, and leaves the top metrics out of a resolve", () => {
    const failed = openEvent({ scaling: { service: "checkout", action: "scale-out", fromTasks: 2, toTasks: 4, reason: "saturation", applied: false, error: "ECS: AccessDenied" } });
    expect(describeEvent(failed)).toContain("scaling: scale-out 2 → 4 tasks FAILED (ECS: AccessDenied) — saturation");
    const resolve = describeEvent({ id: "checkout#2", type: "resolve", incident: incident({ status: "resolved" }), at: T_START + 30 * 60_000 });
    expect(resolve).toBe("[2026-11-25 01:10] RESOLVE checkout saturation on 2 container(s) (web), grade 0.82, confidence 0.90");
  });

  it("says when a calendar shaped the expectation: the level at the event's step and the holiday", async () => {
    const { isIncidentEvent } = await import("../../../runtime/detection/incidentEventSchema");
    const onHoliday = openEvent({ calendar: { level: 0.3, holiday: "Christmas" } });
    expect(describeEvent(onHoliday).split("\n")[0]).toBe("[2026-11-25 00:52] OPEN    checkout saturation on 2 container(s) (web), grade 0.82, confidence 0.90 [calendar: level 0.3, holiday Christmas]");
    expect(describeEvent(openEvent({ calendar: { level: 0.4 } })).split("\n")[0]).toMatch(/confidence 0\.90 \[calendar: level 0\.4\]$/);
    // The field is optional and additive: the outbox schema keeps accepting events with and without it.
    expect(isIncidentEvent(onHoliday)).toBe(true);
    expect(isIncidentEvent(openEvent({ calendar: { level: 0 } }))).toBe(false);
  });

  it("prints a restore as its own line: which incident it follows and the scale-in", () => {
    const restore = describeEvent({
      id: "checkout#3",
      type: "restore",
      incident: incident({ status: "resolved", resolvedAt: T_START + 30 * 60_000 }),
      at: T_START + 45 * 60_000,
      scaling: { service: "checkout", action: "restore", fromTasks: 4, toTasks: 2, reason: "incident resolved: back to the baseline of 2 tasks", applied: true },
    });
    expect(restore).toBe(
      "[2026-11-25 01:25] RESTORE checkout after the saturation incident resolved at 2026-11-25 01:10\n                   scaling: restore 4 → 2 tasks — incident resolved: back to the baseline of 2 tasks",
    );
  });
});
