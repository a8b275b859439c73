import { describe, expect, it } from "vitest";
import { errorDescription, errorMessage } from "../../../runtime/errors/errorMessage";

/** An error-shaped object without Error.prototype (as a CadError subclass looked inside Pulumi's serialised archives): a message and a name. */
function archivedError(name: string, message: string): unknown {
  const proto = { name };
  const e: { message: string } = Object.create(proto) as { message: string };
  e.message = message;
  return e;
}

describe("errorMessage / errorDescription", () => {
  it("give the message of an Error, and name: message", () => {
    const e = new TypeError("bad thing");
    expect(errorMessage(e)).toBe("bad thing");
    expect(errorDescription(e)).toBe("TypeError: bad thing");
  });

  it("read an error that is not instanceof Error (another copy of a class, a plain object thrown) instead of printing [object Object]", () => {
    const e = archivedError("ValidationError", "services[0].name: missing");
    expect(e instanceof Error).toBe(false);
    expect(String(e)).toBe("[object Object]");
    expect(errorMessage(e)).toBe("services[0].name: missing");
    expect(errorDescription(e)).toBe("ValidationError: services[0].name: missing");
  });

  it("fall back to String() for anything else thrown", () => {
    expect(errorMessage("plain text")).toBe("plain text");
    expect(errorMessage(undefined)).toBe("undefined");
    expect(errorDescription(42)).toBe("42");
    expect(errorDescription({ name: "NoMessage" })).toBe("[object Object]");
  });
});
