import * as v from "valibot";
import { CadError } from "../../errors/CadError";
import { describeIssues } from "../../errors/parseWithSchema";
import { quoteInput } from "../../errors/quoteInput";

/** The built-in RCF's inference answer (`Accept: application/json`). */
const RCF_RESPONSE_SCHEMA = v.looseObject({
  scores: v.array(v.looseObject({ score: v.pipe(v.number(), v.finite("expected a finite number")) }), 'expected {"scores":[{"score":x},...]}'),
});
/**
 * The wire format of SageMaker's built-in Random Cut Forest: request bodies (JSON or CSV), split into batches
 * that stay under the endpoint's payload limit, and the `{"scores":[{"score":x}]}` response. Pure: no I/O.
 */

/** Request formats the built-in RCF accepts for inference. */
export type RcfContentType = "application/json" | "text/csv";

/** One request body covering rows [start, start + count) of the input. */
export interface RcfBatch {
  readonly start: number;
  readonly count: number;
  /** UTF-8 body; bodies are pure ASCII, so its length is the payload size in bytes. */
  readonly body: Uint8Array;
}

const JSON_PREFIX = '{"instances":[';
const JSON_SUFFIX = "]}";

/** Checks every vector is non-empty, finite and of one dimension; throws naming the row and dimension. */
export function checkVectors(vectors: readonly (readonly number[])[]): void {
  const dim = vectors[0]?.length ?? 0;
  vectors.forEach((v, i) => {
    if (v.length === 0 || v.length !== dim) {
      throw new Error(`row ${i} has ${v.length} features, expected ${dim} like row 0 (and at least 1)`);
    }
    for (let d = 0; d < v.length; d++) {
      if (!Number.isFinite(v[d])) throw new Error(`row ${i} feature ${d} is ${v[d]}: the endpoint only accepts finite numbers`);
    }
  });
}

function encodeRow(v: readonly number[], contentType: RcfContentType): string {
  const values = v.map((x) => String(x)).join(",");
  return contentType === "application/json" ? `{"features":[${values}]}` : values;
}

/**
 * Splits `vectors` into request bodies of at most `maxPayloadBytes` bytes and `maxRows` rows each, in order.
 * Throws if a single row alone exceeds the limit.
 */
export function encodeRcfBatches(
  vectors: readonly (readonly number[])[],
  contentType: RcfContentType,
  maxPayloadBytes: number,
  maxRows: number,
): RcfBatch[] {
  checkVectors(vectors);
  const encoder = new TextEncoder();
  const framing = contentType === "application/json" ? JSON_PREFIX.length + JSON_SUFFIX.length : 0;
  const batches: RcfBatch[] = [];
  let rows: string[] = [];
  let size = framing;
  let start = 0;
  const flush = (): void => {
    if (rows.length === 0) return;
    const joined = contentType === "application/json" ? `${JSON_PREFIX}${rows.join(",")}${JSON_SUFFIX}` : rows.join("\n");
    batches.push({ start, count: rows.length, body: encoder.encode(joined) });
    start += rows.length;
    rows = [];
    size = framing;
  };
  vectors.forEach((v, i) => {
    const row = encodeRow(v, contentType);
    const separator = rows.length === 0 ? 0 : 1;
    if (framing + row.length > maxPayloadBytes) {
      throw new Error(`row ${i} alone encodes to ${framing + row.length} bytes, over the ${maxPayloadBytes}-byte payload limit`);
    }
    if (rows.length >= maxRows || size + separator + row.length > maxPayloadBytes) flush();
    size += (rows.length === 0 ? 0 : 1) + row.length;
    rows.push(row);
  });
  flush();
  return batches;
}

/**
 * Parses an RCF response body and checks it holds exactly `expected` finite scores.
 * `where` names the request in error messages (endpoint, batch, rows).
 */
export function parseRcfScores(text: string, expected: number, where: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ScoreResponseError(`${where}: response is not JSON (starts with ${quoteInput(text)})`);
  }
  const checked = v.safeParse(RCF_RESPONSE_SCHEMA, parsed, { abortPipeEarly: true });
  if (!checked.success) throw new ScoreResponseError(`${where}: not an RCF answer: ${describeIssues(checked.issues).join("; ")} (expected {"scores":[{"score":x},...]})`);
  const { scores } = checked.output;
  if (scores.length !== expected) {
    throw new ScoreResponseError(`${where}: endpoint returned ${scores.length} scores for ${expected} rows`);
  }
  return scores.map((entry) => entry.score);
}

/** The endpoint answered, but not with one valid score per row. Not retried: the same request gives the same answer. */
export class ScoreResponseError extends CadError {
  constructor(message: string) {
    super(message, "ScoreResponseError");
  }
}
