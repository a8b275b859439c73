/** The share of the function's memory past which the process counts as short of memory. */
export const MEMORY_PRESSURE_SHARE = 0.5;

/**
 * "Is this Lambda short of memory?": its resident memory above `share` of the function's configured memory
 * (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, MB, which Lambda sets). Resident memory counts everything the process holds,
 * WebAssembly memories included, which Node's heap counters leave out. Undefined outside Lambda (no such variable):
 * nothing then limits the detectors kept but their count.
 */
export function lambdaMemoryPressure(
  env: Readonly<Record<string, string | undefined>> = process.env,
  resident: () => number = () => process.memoryUsage.rss(),
  share: number = MEMORY_PRESSURE_SHARE,
): (() => boolean) | undefined {
  const raw = env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
  if (raw === undefined) return undefined;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be a number of MB > 0, got ${JSON.stringify(raw)}`);
  const limit = share * mb * 1024 * 1024;
  return () => resident() > limit;
}
