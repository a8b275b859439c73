import { Presets, SingleBar } from "cli-progress";

/** A progress bar on stderr for long runs; silent when stderr is not a terminal (logs, tests, pipes) or with `silent` (--json). */
export interface Progress {
  start(total: number, label: string): void;
  increment(by: number, label?: string): void;
  stop(): void;
}

export function makeProgress(name: string, stream: NodeJS.WriteStream = process.stderr, silent = false): Progress {
  if (silent || !stream.isTTY) return { start: () => undefined, increment: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${name} [{bar}] {percentage}% | {value}/{total} | {label}`, stream, hideCursor: true }, Presets.shades_classic);
  return {
    start: (total, label) => bar.start(total, 0, { label }),
    increment: (by, label) => bar.increment(by, label === undefined ? undefined : { label }),
    stop: () => bar.stop(),
  };
}
