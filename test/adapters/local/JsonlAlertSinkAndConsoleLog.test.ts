import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConsoleLog } from "../../../runtime/adapters/local/ConsoleLog";
import { JsonlAlertSink } from "../../../runtime/adapters/local/JsonlAlertSink";
import { openEvent } from "../../helpers/incidentEvents";

const dir = mkdtempSync(join(tmpdir(), "cad-jsonl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("JsonlAlertSink", () => {
  it("creates the directory and appends one JSON line per event", async () => {
    const file = join(dir, "nested", "alerts.jsonl");
    const sink = new JsonlAlertSink(file);
    const a = openEvent();
    const b = openEvent({ type: "resolve" });
    await sink.send(a);
    await sink.send(b);
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(lines.slice(0, 2).map((l) => JSON.parse(l) as unknown)).toEqual([a, b]);
  });
});

describe("ConsoleLog", () => {
  it("writes one JSON line per entry at or above its level, fields included", () => {
    const lines: string[] = [];
    const log = new ConsoleLog("info", (l) => lines.push(l));
    log.debug("hidden");
    log.info("scored", { rows: 3 });
    log.warn("late", { service: "checkout" });
    log.error("failed");
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { level: "info", message: "scored", rows: 3 },
      { level: "warn", message: "late", service: "checkout" },
      { level: "error", message: "failed" },
    ]);
    const quiet: string[] = [];
    new ConsoleLog("error", (l) => quiet.push(l)).warn("not shown");
    expect(quiet).toEqual([]);
  });
});
