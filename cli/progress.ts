import { Presets, SingleBar } from "cli-progress";

/** A progress indicator for long work: `update(done, total)` as work proceeds, `stop()` once (also on failure). */
export interface Progress {
  update(done: number, total: number): void;
  /** Prints a line to stdout without tearing the bar: the bar's line is cleared first and redrawn on the next update. */
  log(line: string): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, log: (line) => void process.stdout.write(line + "\n"), stop: () => undefined };

/**
 * A cli-progress bar on stderr, or nothing when stderr is not a terminal or the output is JSON (so piped
 * output and `--json` stay clean). The bar only appears once the work has run for `afterMs` (default 1 s),
 * so quick runs print nothing extra.
 */
export function startProgress(label: string, opts: { json?: boolean; afterMs?: number } = {}): Progress {
  if (opts.json || !process.stderr.isTTY) return SILENT;
  const started = Date.now();
  const afterMs = opts.afterMs ?? 1000;
  let bar: SingleBar | undefined;
  return {
    update(done, total) {
      if (!bar) {
        if (Date.now() - started < afterMs) return;
        bar = new SingleBar({ stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}`, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
        bar.start(total, done);
      }
      bar.setTotal(total);
      bar.update(done);
    },
    log(line) {
      if (bar) process.stderr.write("\r\x1b[2K");
      process.stdout.write(line + "\n");
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
