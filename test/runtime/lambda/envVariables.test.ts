import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { checkedVariable, isLambdaEnvError, jsonVariable, lambdaEnvError, parseJsonVariable, requiredVariable } from "../../../runtime/lambda/envVariables";
import { lambdaEnvFailure } from "../../helpers/lambdaEnvFailure";

const failure = lambdaEnvFailure;

describe("environment variables", () => {
  it("name the variable in the error, which keeps its message and is recognised as such", () => {
    const e = lambdaEnvError("CAD_X", "is not set");
    expect(e.message).toBe("environment variable CAD_X: is not set");
    expect(e.variable).toBe("CAD_X");
    expect(isLambdaEnvError(e)).toBe(true);
    expect(isLambdaEnvError(new Error("environment variable CAD_X: is not set"))).toBe(false);
  });

  it("refuse a missing or blank variable, and return a set one as it is", () => {
    expect(failure(() => requiredVariable({}, "CAD_X")).message).toBe("environment variable CAD_X: is not set");
    expect(failure(() => requiredVariable({ CAD_X: "  " }, "CAD_X")).message).toBe("environment variable CAD_X: is not set");
    expect(requiredVariable({ CAD_X: " a " }, "CAD_X")).toBe(" a ");
  });

  it("check a variable against its schema, showing at most 60 characters of a bad value", () => {
    const schema = v.pipe(v.string(), v.regex(/^[a-z]+$/));
    expect(checkedVariable({ CAD_X: "abc" }, "CAD_X", schema, "lower-case letters")).toBe("abc");
    expect(failure(() => checkedVariable({ CAD_X: "ABC" }, "CAD_X", schema, "lower-case letters")).message).toBe('environment variable CAD_X: must be lower-case letters, got "ABC"');
    expect(failure(() => checkedVariable({ CAD_X: "B".repeat(100) }, "CAD_X", schema, "lower-case letters")).message).toBe(`environment variable CAD_X: must be lower-case letters, got "${"B".repeat(60)}"`);
    expect(failure(() => checkedVariable({}, "CAD_X", schema, "lower-case letters")).message).toBe("environment variable CAD_X: is not set");
  });

  it("parse JSON, refusing text that is not JSON by the variable's name", () => {
    expect(jsonVariable({ CAD_J: '{"a":[1]}' }, "CAD_J")).toEqual({ a: [1] });
    expect(failure(() => jsonVariable({ CAD_J: "{a:1}" }, "CAD_J")).message).toBe("environment variable CAD_J: is not valid JSON");
    expect(failure(() => jsonVariable({}, "CAD_J")).message).toBe("environment variable CAD_J: is not set");
  });

  it("report the field of a JSON variable that breaks its schema: a wrong value, a missing key, a misspelt one", () => {
    const schema = v.strictObject({ items: v.array(v.strictObject({ n: v.number("a number") }, "an object")) }, "an object");
    expect(parseJsonVariable({ CAD_J: '{"items":[{"n":1}]}' }, "CAD_J", schema)).toEqual({ items: [{ n: 1 }] });
    expect(failure(() => parseJsonVariable({ CAD_J: '{"items":[{"n":1},{"n":"2"}]}' }, "CAD_J", schema)).message).toBe('environment variable CAD_J: items[1].n: expected a number, got "2"');
    expect(failure(() => parseJsonVariable({ CAD_J: '{"items":[{"m":1}]}' }, "CAD_J", schema)).message).toBe("environment variable CAD_J: items[0].m: is not a known setting");
    expect(failure(() => parseJsonVariable({ CAD_J: '{"items":[{}]}' }, "CAD_J", schema)).message).toMatch(/^environment variable CAD_J: items\[0\]\.n: expected .*, but it is missing$/);
  });
});
