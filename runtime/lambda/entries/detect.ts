/**
 * Bundle entry of the scheduled detector Lambda (infra/lambdaBundle.ts bundles it into the function's index.js). Loading the module is
 * the cold start: the environment is parsed and the clients are built once, here; Lambda calls `handler` per invocation.
 */
import { createDetectHandler } from "../detectLambda";

export const handler = createDetectHandler();
