import { isLambdaEnvError, type LambdaEnvError } from "../../runtime/lambda/envVariables";

/** The LambdaEnvError `run` throws; any other error is rethrown, and returning normally fails the test. */
export function lambdaEnvFailure(run: () => unknown): LambdaEnvError {
  try {
    run();
  } catch (e) {
    if (isLambdaEnvError(e)) return e;
    throw e;
  }
  throw new Error("expected a LambdaEnvError");
}
