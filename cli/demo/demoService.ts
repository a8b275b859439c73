/**
 * The simulated service of `cad demo` and `cad dataset simulate`: constants of their own (no simulator here), so
 * the commands' --help can name them without loading the simulation.
 */

/** Monday 2026-01-05 00:00 UTC: fixed, so a seed reproduces the same run to the minute. */
export const DEMO_START = Date.UTC(2026, 0, 5);
/** The demo service's name. */
export const DEMO_SERVICE = "checkout";
/** `cad demo --weekly`: weekend traffic (Saturday and Sunday, UTC) relative to weekdays. */
export const DEMO_WEEKEND_LEVEL = 0.35;
