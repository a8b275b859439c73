/**
 * State keys are relative paths of simple segments (`thresholds/checkout`), the same for S3, files and memory.
 * Throws naming the key when it is empty, absolute, has an empty/`.`/`..` segment or characters outside
 * `A-Za-z0-9._=%-`.
 */
export function checkStateKey(key: string): void {
  const segments = key.split("/");
  const ok = key.length > 0 && key.length <= 512 && segments.every((s) => s !== "" && s !== "." && s !== ".." && /^[A-Za-z0-9._=%-]+$/.test(s));
  if (!ok) {
    throw new Error(`state key ${JSON.stringify(key)} is invalid: expected "/"-separated segments of A-Za-z0-9._=%- (no empty, "." or ".." segment)`);
  }
}
