/**
 * Base of every error class in runtime/: an `Error` that keeps its message and name after Pulumi's closure
 * serialisation. The serialiser turns `class X extends Error { constructor(m) { super(m) } }` into
 * `Error.call(this, m)`, which sets nothing on `this`, so a plain subclass arrives in the Lambda with an empty
 * message and stack. Setting them here, on `this`, survives (test/infra/closureSerialisation.test.ts).
 */
export class CadError extends Error {
  constructor(message: string, name: string, options?: { cause?: unknown }) {
    super(message, options);
    this.message = message;
    this.name = name;
    if (options && "cause" in options) this.cause = options.cause;
    Error.captureStackTrace(this, this.constructor);
  }
}
