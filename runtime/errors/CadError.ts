/**
 * Base of every error class in runtime/: an `Error` whose message, name, cause and stack are set on the instance
 * itself, so that they survive any copy of the class (logs and duck-typed checks read them as own properties).
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
