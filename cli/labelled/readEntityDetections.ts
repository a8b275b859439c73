import { parseNumericRows } from "../../runtime/evaluation/numericCsv";
import { CliError } from "../cliError";
import { readText } from "../fileOutput";
import type { EntityDetections, LabelledEntity } from "./detectEntity";

/** The header of the per-entity file `cad labelled` writes: one line per test row. */
export const ENTITY_RESULT_HEADER = "score,anomaly_grade,alert_grade,label";

/**
 * Reads the per-entity file an earlier `cad labelled` run wrote (`ENTITY_RESULT_HEADER`, one line per test row),
 * so that it can be scored again without running the detector. The file must be for this entity's test rows: as
 * many lines, the same labels; errors name the file and line.
 */
export function readEntityDetections(file: string, entity: LabelledEntity): EntityDetections {
  const text = readText(file, "results file of an earlier run");
  const newline = text.indexOf("\n");
  const header = (newline < 0 ? text : text.slice(0, newline)).trim();
  if (header !== ENTITY_RESULT_HEADER) throw new CliError(`${file}:1: expected the header "${ENTITY_RESULT_HEADER}", got "${header.slice(0, 80)}"`);
  let rows: number[][];
  try {
    rows = newline < 0 ? [] : parseNumericRows(text.slice(newline + 1), file, 2);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  if (rows.length !== entity.test.length) throw new CliError(`${file}: ${rows.length} result lines, but ${entity.name} has ${entity.test.length} test rows: written for other data`);
  if (rows[0] && rows[0].length !== 4) throw new CliError(`${file}:2: expected 4 values (${ENTITY_RESULT_HEADER}), got ${rows[0].length}`);
  rows.forEach((r, i) => {
    if (r[3] !== entity.labels[i]) throw new CliError(`${file}:${i + 2}: label ${r[3]}, but the data's label there is ${entity.labels[i]}: written for other data`);
  });
  return { scores: rows.map((r) => r[0]), anomalyGrades: rows.map((r) => r[1]), grades: rows.map((r) => r[2]) };
}

