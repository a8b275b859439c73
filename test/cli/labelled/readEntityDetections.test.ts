import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CliError } from "../../../cli/cliError";
import { ENTITY_RESULT_HEADER, readEntityDetections } from "../../../cli/labelled/readEntityDetections";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cad-entity-results-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const entity = { name: "e", train: [[1]], test: [[1], [2], [3]], labels: [0, 1, 0] };
let written = 0;
const write = (text: string): string => {
  const file = path.join(root, `results-${++written}.csv`);
  fs.writeFileSync(file, text);
  return file;
};

describe("readEntityDetections", () => {
  it("reads back what cad labelled writes, number for number", () => {
    const file = write(`${ENTITY_RESULT_HEADER}\n0.1234567890123,0,0,0\n3.5,0.8,0.75,1\n1e-7,0.2,0,0\n`);
    expect(readEntityDetections(file, entity)).toEqual({ scores: [0.1234567890123, 3.5, 1e-7], anomalyGrades: [0, 0.8, 0.2], grades: [0, 0.75, 0] });
  });

  it.each<[string, string, string]>([
    ["another header", "score,grade\n1,0\n", ':1: expected the header "score,anomaly_grade,alert_grade,label", got "score,grade"'],
    ["a value that is not a number, by its line in the file", `${ENTITY_RESULT_HEADER}\n1,0,0,0\n1,0,x,1\n1,0,0,0\n`, ':3: column 3 "x" is not a finite number'],
    ["a row of another width", `${ENTITY_RESULT_HEADER}\n1,0,0,0\n1,0,0\n1,0,0,0\n`, ":3: expected 4 comma-separated values like line 2, got 3"],
    ["rows of the wrong width", `${ENTITY_RESULT_HEADER}\n1,0,0\n1,0,0\n1,0,0\n`, ":2: expected 4 values (score,anomaly_grade,alert_grade,label), got 3"],
    ["fewer rows than the data", `${ENTITY_RESULT_HEADER}\n1,0,0,0\n`, ": 1 result lines, but e has 3 test rows: written for other data"],
    ["only the header", `${ENTITY_RESULT_HEADER}\n`, ": no rows"],
    ["other labels", `${ENTITY_RESULT_HEADER}\n1,0,0,0\n1,0,0,0\n1,0,0,0\n`, ":3: label 0, but the data's label there is 1: written for other data"],
  ])("refuses %s, naming the file and line", (_what, text, message) => {
    const file = write(text);
    expect(() => readEntityDetections(file, entity)).toThrow(CliError);
    expect(() => readEntityDetections(file, entity)).toThrow(`${file}${message}`);
  });
});
