import { describe, expect, it } from "vitest";
import { lambdaMemoryPressure, MEMORY_PRESSURE_SHARE } from "../../../runtime/lambda/memoryPressure";

const MB = 1024 * 1024;

describe("lambdaMemoryPressure", () => {
  it("is short of memory past half the function's configured memory, by resident memory", () => {
    let rss = 100 * MB;
    const pressure = lambdaMemoryPressure({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024" }, () => rss);
    expect(MEMORY_PRESSURE_SHARE).toBe(0.5);
    expect(pressure?.()).toBe(false);
    rss = 512 * MB;
    expect(pressure?.()).toBe(false);
    rss = 512 * MB + 1;
    expect(pressure?.()).toBe(true);
  });

  it("is absent outside Lambda and refuses a memory size that is not a positive number", () => {
    expect(lambdaMemoryPressure({}, () => 0)).toBeUndefined();
    expect(() => lambdaMemoryPressure({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "lots" })).toThrow('AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be a number of MB > 0, got "lots"');
    expect(() => lambdaMemoryPressure({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "0" })).toThrow("got \"0\"");
  });

  it("reads this process's resident memory by default", () => {
    const pressure = lambdaMemoryPressure({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(1024 * 1024) });
    expect(pressure?.()).toBe(false); // a 1 TB function
    expect(lambdaMemoryPressure({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1" })?.()).toBe(true); // 1 MB: this process is larger
  });
});
