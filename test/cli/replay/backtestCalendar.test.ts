import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../cli/main";
import { DEFAULT_FEATURE_SET } from "../../../runtime/features/defaultFeatureSet";
import { formatFeatureRowsCsv } from "../../../runtime/features/featureRowCsv";
import { Random } from "../../../runtime/model/random";
import type { FeatureRow, IncidentEvent } from "../../../runtime/types";
import { captureOutput } from "../../helpers/captureOutput";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Friday 2026-01-09 00:00 UTC: Friday trains (--train-hours 24), Saturday to Monday are replayed. */
const START = Date.UTC(2026, 0, 9);

/** Weekday nights (00–06 UTC) at 60 %, weekends at 20 % of a weekday's traffic. */
const level = (t: number): number => {
  const d = new Date(t);
  if (d.getUTCDay() === 0 || d.getUTCDay() === 6) return 0.2;
  return d.getUTCHours() < 6 ? 0.6 : 1;
};

/** Four days of 3 replicas in the default feature set: CPU and network proportional to traffic, the rest flat. */
function weeklyRows(seed: number): FeatureRow[] {
  const r = new Random(seed);
  const rows: FeatureRow[] = [];
  for (let t = START; t < START + 4 * DAY; t += MIN) {
    const traffic = level(t) * (1 + 0.1 * Math.sin((2 * Math.PI * ((t % DAY) / HOUR - 9)) / 24));
    for (const task of ["a1", "b2", "c3"]) {
      const values = [50 * traffic * (1 + 0.03 * r.normal()), 420 + 3 * r.normal(), 200_000 * traffic * (1 + 0.03 * r.normal()), 900_000 * traffic * (1 + 0.03 * r.normal()), 0, Math.max(0, 0.15 + 0.05 * r.normal()), 80 + 3 * r.normal()];
      rows.push({ service: "checkout", container: `${task}/app`, containerName: "app", timestamp: t, values, filled: 0, gap: false });
    }
  }
  return rows;
}

const CALENDAR = {
  calendars: [
    {
      services: ["checkout"],
      timeZone: "UTC",
      weekly: [
        { days: ["mon", "tue", "wed", "thu", "fri"], from: "00:00", to: "06:00", level: 0.6 },
        { days: ["sat", "sun"], level: 0.2 },
      ],
    },
  ],
};

const io = captureOutput();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cad-calendar-"));
  writeFileSync(join(dir, "metrics.csv"), formatFeatureRowsCsv(weeklyRows(4), DEFAULT_FEATURE_SET));
  writeFileSync(join(dir, "calendar.json"), JSON.stringify(CALENDAR));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Summary = { incidents: { kind: string; start: string }[]; alerts: number };
async function backtest(out: string, ...extra: string[]): Promise<{ summary: Summary; events: IncidentEvent[] }> {
  expect(await runCli(["backtest", "--input", join(dir, "metrics.csv"), "--train-hours", "24", "--out", join(dir, out), ...extra, "--json"])).toBe(0);
  const summary = JSON.parse(io.stdout) as Summary;
  io.stdout = "";
  // The alert file is created by the first alert.
  const file = join(dir, out, "alerts.jsonl");
  const events = (existsSync(file) ? readFileSync(file, "utf8") : "").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as IncidentEvent);
  return { summary, events };
}

describe("cad backtest --rules with a calendar (trained on a Friday, replaying a weekend)", () => {
  it("without the calendar the weekend alerts; with it the model trains through the calendar and the weekend and Monday stay quiet", async () => {
    const plain = await backtest("plain");
    expect(plain.events.some((e) => e.type === "open")).toBe(true);
    expect(plain.summary.incidents.some((i) => i.start >= "2026-01-09T23:00" && i.start < "2026-01-11T00:00")).toBe(true);

    const withCalendar = await backtest("calendar", "--rules", join(dir, "calendar.json"));
    expect(withCalendar.summary.incidents).toEqual([]);
    expect(withCalendar.events).toEqual([]);
    expect(withCalendar.summary.alerts).toBe(0);
  });

  it("a bad calendar is a usage error naming the file and the field", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ calendars: [{ ...CALENDAR.calendars[0], weekly: [{ days: ["sat"], from: "18:00", to: "06:00", level: 0.5 }] }] }));
    expect(await runCli(["backtest", "--input", join(dir, "metrics.csv"), "--out", join(dir, "bad"), "--rules", file])).toBe(2);
    expect(io.stderr).toContain(`${file}: calendars[0].weekly[0].to: expected a time after from`);
  });
});
