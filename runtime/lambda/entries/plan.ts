/**
 * Bundle entry of a fan-out planner Lambda (collect or detect, set by its environment) (infra/lambdaBundle.ts bundles it into the function's index.js). Loading the module is
 * the cold start: the environment is parsed and the clients are built once, here; Lambda calls `handler` per invocation.
 */
import { createPlanHandler } from "../planLambda";

export const handler = createPlanHandler();
