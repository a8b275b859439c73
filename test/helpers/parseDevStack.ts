import { ConfigError, parseStackConfig, type StackConfig } from "../../infra/config";
import { devStackConfig } from "./stackConfig";

/** Parses the dev stack as the CLI passes it, with some keys replaced (undefined removes a key). */
export function parseDevWith(overrides: Record<string, unknown>): StackConfig {
  return parseStackConfig(devStackConfig(overrides), "dev");
}

/** The ConfigError the dev stack with these keys replaced is refused with (fails the test when it is accepted). */
export function configErrorOf(overrides: Record<string, unknown>): ConfigError {
  try {
    parseDevWith(overrides);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}
