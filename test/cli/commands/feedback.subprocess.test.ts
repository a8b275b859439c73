import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStateStore } from "../../../runtime/adapters/local/FileStateStore";
import { feedbackFor, patternOf } from "../../../runtime/detection/feedback";
import { emptyTrackerState } from "../../../runtime/detection/incidentTracker";
import { detectorStateKey, encodeServiceState, SERVICE_STATE_FORMAT } from "../../../runtime/handlers/detectorState";
import { loadFeedback, recordFeedback } from "../../../runtime/handlers/feedbackStore";
import type { Incident, IncidentEvent } from "../../../runtime/types";
import { anomalyAt, T0 } from "../../helpers/anomalies";
import { FIXTURE_START, simulatedFeatureRowsCsv } from "../../helpers/metricsCsvFixtures";
import { CLI_PROCESS_MS } from "../../helpers/timeouts";

const ROOT = join(__dirname, "../../..");
/** Runs `node bin/cad.js …` as a user would, from the repository root. */
function cad(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/cad.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: CLI_PROCESS_MS });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ID = "checkout:2026-01-06T10:00:00.000Z";
const resolved: Incident = { id: ID, service: "checkout", status: "resolved", kind: "saturation", start: T0, lastAnomalyAt: T0, resolvedAt: T0 + 600_000, containers: ["c1"], containerNames: ["app"], anomalyCount: 4, peakScore: 2, peakGrade: 0.6, confidence: 1, threshold: 1.2, topMetrics: anomalyAt("c1", 0, { cpu: 4 }).attribution.slice(0, 2) };
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cad-feedback-"));
  // A detector state as the detect handler leaves it after the incident resolved (the detector part is not read).
  const state = encodeServiceState({ format: SERVICE_STATE_FORMAT, modelId: "m", featureSetId: "fs", tracker: { ...emptyTrackerState(), lastResolved: resolved }, scaling: {}, outbox: [], eventCounts: {}, detector: new Uint8Array(0) });
  await new FileStateStore({ dir: join(dir, "state") }).saveBytes(detectorStateKey("checkout"), state, undefined);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cad feedback", () => {
  it("stores the mark with the incident's pattern next to the detector state; a second verdict replaces the first", async () => {
    const r = cad("feedback", "--incident", ID, "--verdict", "false-alarm", "--note", "nightly batch", "--state", join(dir, "state"), "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { record: { verdict: string; note: string; pattern: { metrics: { metric: string; direction: string }[] } }; records: number };
    expect(out.record).toMatchObject({ verdict: "false-alarm", note: "nightly batch" });
    expect(out.record.pattern.metrics[0]).toMatchObject({ metric: "container.cpu.utilized", direction: "up" });
    expect(existsSync(join(dir, "state", "feedback", "checkout.json"))).toBe(true);

    const again = cad("feedback", "--incident", ID, "--verdict", "real", "--state", join(dir, "state"));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`marked ${ID} as real`);
    const { memory } = await loadFeedback(new FileStateStore({ dir: join(dir, "state") }), "checkout");
    expect(memory.records.map((x) => x.verdict)).toEqual(["real"]);
  });

  it("--remove takes a wrong mark back through the same store; the incident need not be in the detector state", async () => {
    const state = join(dir, "state");
    const store = new FileStateStore({ dir: state });
    // A mark on an incident the state no longer holds (an older one), given earlier.
    const older: Incident = { ...resolved, id: "checkout:2026-01-05T08:00:00.000Z" };
    await recordFeedback(store, feedbackFor(older, "expected", T0));
    expect(cad("feedback", "--incident", ID, "--verdict", "false-alarm", "--state", state).code).toBe(0);

    const r = cad("feedback", "--incident", ID, "--remove", "--state", state);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed the false-alarm mark on ${ID} (${state}/feedback/checkout.json, 1 mark(s) left for checkout)`);
    expect((await loadFeedback(store, "checkout")).memory.records.map((x) => x.incidentId)).toEqual([older.id]);

    const json = cad("feedback", "--incident", older.id, "--remove", "--state", state, "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ removed: { incidentId: older.id, verdict: "expected" }, records: 0, key: "feedback/checkout.json" });

    const again = cad("feedback", "--incident", ID, "--remove", "--state", state);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no mark on incident "${ID}" in ${state}/feedback/checkout.json (0 mark(s) for checkout; it holds none)`);
  });

  it.each([
    [["--incident", ID], "give exactly one of --verdict <false-alarm|real|expected> (mark the incident) or --remove (take its mark back)"],
    [["--incident", ID, "--verdict", "real", "--remove"], "option '--remove' cannot be used with option '--verdict <verdict>'"],
    [["--incident", ID, "--remove", "--note", "oops"], "option '--remove' cannot be used with option '--note <text>'"],
    [["--incident", "checkout:2026-01-06T11:00:00.000Z", "--verdict", "real"], 'unknown incident "checkout:2026-01-06T11:00:00.000Z": the detector state of service "checkout" keeps its open and last resolved incident, and it knows checkout:2026-01-06T10:00:00.000Z'],
    [["--incident", "payments:2026-01-06T11:00:00.000Z", "--verdict", "real"], 'no detector state for service "payments"'],
    [["--incident", "checkout", "--verdict", "real"], '--incident "checkout" is not an incident id'],
    [["--incident", ID, "--verdict", "maybe"], "argument 'maybe' is invalid. Allowed choices are false-alarm, real, expected."],
  ])("usage errors exit 2 and say what is wrong: %j", (args, message) => {
    const r = cad("feedback", ...args, "--state", join(dir, "state"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("needs exactly one of --state and --bucket", () => {
    const r = cad("feedback", "--incident", ID, "--verdict", "real");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("give exactly one of --state <dir> (a local state directory) or --bucket <name>");
  });
});

describe("cad backtest --feedback", () => {
  let metrics: string;
  const file = (name: string, content: unknown): string => {
    const f = join(dir, name);
    writeFileSync(f, JSON.stringify(content));
    return f;
  };
  type Summary = { incidents: { id: string; kind: string; start: string }[]; feedback?: { given: { incidentId: string; verdict: string }[]; shapedEvents: number } };
  const crashLoops = (s: Summary) => s.incidents.filter((i) => i.kind === "crash-loop" && i.start >= "2026-01-05T06:00" && i.start < "2026-01-05T06:30");

  beforeAll(async () => {
    metrics = join(dir, "metrics.csv");
    const hour = 3_600_000;
    writeFileSync(metrics, await simulatedFeatureRowsCsv({ hours: 8, tasks: 3, seed: 5, incidents: [{ kind: "crash-loop", start: FIXTURE_START + 6 * hour, end: FIXTURE_START + 6.5 * hour, task: 1, description: "restarts" }] }));
  }, CLI_PROCESS_MS);

  it("a false-alarm mark on the crash loop's pattern keeps it from alerting; a real mark keeps it; an incident id is marked when it resolves", () => {
    const plainOut = join(dir, "plain");
    const plain = cad("backtest", "--input", metrics, "--train-hours", "4", "--out", plainOut, "--json");
    expect(plain.code).toBe(0);
    const [loop] = crashLoops(JSON.parse(plain.stdout) as Summary);
    expect(loop).toBeDefined();
    const alerts = readFileSync(join(plainOut, "alerts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    const incident = alerts.filter((e) => e.incident.id === loop.id).at(-1)?.incident as Incident;

    const quiet = cad("backtest", "--input", metrics, "--train-hours", "4", "--out", join(dir, "quiet"), "--feedback", file("fa.json", [{ name: "restart-drill", service: "checkout", pattern: patternOf(incident), verdict: "false-alarm" }]), "--json");
    expect(quiet.stderr).toBe("");
    const q = JSON.parse(quiet.stdout) as Summary;
    expect(crashLoops(q)).toEqual([]);
    expect(q.feedback?.given).toEqual([expect.objectContaining({ incidentId: "restart-drill", verdict: "false-alarm" })]);

    const kept = JSON.parse(cad("backtest", "--input", metrics, "--train-hours", "4", "--out", join(dir, "kept"), "--feedback", file("real.json", [{ service: "checkout", pattern: patternOf(incident), verdict: "real" }]), "--json").stdout) as Summary;
    expect(crashLoops(kept)).toHaveLength(1);

    const byId = JSON.parse(cad("backtest", "--input", metrics, "--train-hours", "4", "--out", join(dir, "byid"), "--feedback", file("id.json", [{ incidentId: loop.id, verdict: "expected" }]), "--json").stdout) as Summary;
    expect(byId.feedback?.given).toEqual([expect.objectContaining({ incidentId: loop.id, verdict: "expected" })]);
    expect(crashLoops(byId)).toHaveLength(1);
  });

  it("a bad feedback file is a usage error naming the file and the field", () => {
    const f = file("bad.json", [{ incidentId: "x", verdict: "maybe" }]);
    const r = cad("backtest", "--input", metrics, "--out", join(dir, "bad"), "--feedback", f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}[0]: verdict: one of false-alarm, real, expected, got "maybe"`);
  });
});
