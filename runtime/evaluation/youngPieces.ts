/**
 * Young services cut from a labelled entity: each piece of a test part runs as a new service whose only history is
 * the few rows right before it (an hour of one-minute steps, say), as a pod started minutes ago would. One cut is
 * at the mercy of where the labelled runs fall in it (a run in a piece's first steps meets a detector that cannot
 * grade yet, the same run 200 steps in meets one that can), so pieces start every `every` rows and overlap: each
 * labelled run is judged at several ages.
 */

/** How the pieces are cut. */
export interface YoungPieceOptions {
  /** Test rows per piece. */
  readonly rows: number;
  /** Test rows between the starts of consecutive pieces (≤ `rows`: pieces overlap). */
  readonly every: number;
  /** Rows of history each piece learns on: the rows right before its first test row, from the train part or the test part before it. */
  readonly history: number;
}

/** One piece: `name` is `<entity>@<first test row>`. */
export interface YoungPiece<Row> {
  readonly name: string;
  readonly entity: string;
  /** 0-based test row of the entity the piece starts at. */
  readonly start: number;
  readonly train: readonly Row[];
  readonly test: readonly Row[];
  readonly labels: readonly number[];
}

/** The default piece length's fraction between starts: four ages for every labelled run. */
export const YOUNG_STARTS_PER_PIECE = 4;

/** Checks `o`, naming the option in an error. */
export function checkYoungOptions(o: YoungPieceOptions): void {
  if (!(Number.isInteger(o.rows) && o.rows >= 1)) throw new Error(`young pieces: rows must be an integer >= 1, got ${o.rows}`);
  if (!(Number.isInteger(o.every) && o.every >= 1 && o.every <= o.rows)) throw new Error(`young pieces: every must be an integer from 1 to rows (${o.rows}), got ${o.every}`);
  if (!(Number.isInteger(o.history) && o.history >= 1)) throw new Error(`young pieces: history must be an integer >= 1, got ${o.history}`);
}

/**
 * The pieces of one entity, in order of their start: test rows [start, start + rows) for start = 0, every, 2·every…
 * while a whole piece fits, each with the `history` rows before it (fewer only where the train and test parts
 * together hold fewer). An entity whose test part is shorter than `rows` gives none.
 */
export function youngPieces<Row>(e: { readonly name: string; readonly train: readonly Row[]; readonly test: readonly Row[]; readonly labels: readonly number[] }, o: YoungPieceOptions): YoungPiece<Row>[] {
  checkYoungOptions(o);
  if (e.labels.length !== e.test.length) throw new Error(`${e.name}: ${e.labels.length} labels for ${e.test.length} test rows`);
  const out: YoungPiece<Row>[] = [];
  for (let start = 0; start + o.rows <= e.test.length; start += o.every) {
    const from = e.train.length + start - o.history;
    const train = [...e.train.slice(Math.max(0, from)), ...e.test.slice(Math.max(0, start - o.history), start)].slice(-o.history);
    out.push({ name: `${e.name}@${start}`, entity: e.name, start, train, test: e.test.slice(start, start + o.rows), labels: e.labels.slice(start, start + o.rows) });
  }
  return out;
}
