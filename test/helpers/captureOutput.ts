import { afterEach, beforeEach, vi } from "vitest";

/** What a test's code wrote to stdout and stderr since the test began (assign "" to start over mid-test). */
export interface CapturedOutput {
  stdout: string;
  stderr: string;
}

/**
 * Captures process.stdout/stderr writes for every test of the calling file (in-process CLI runs):
 * call once at the top level; read `.stdout` / `.stderr` inside a test.
 */
export function captureOutput(): CapturedOutput {
  const io = { stdout: "", stderr: "" };
  beforeEach(() => {
    io.stdout = "";
    io.stderr = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      io.stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      io.stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());
  return io;
}
