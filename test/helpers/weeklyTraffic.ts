import { Random } from "../../runtime/model/random";

/**
 * A request rate with quieter weekends, `steps` steps a day: 100 at night, a daytime hump of `weekday` on weekdays and
 * `weekend` at weekends (and on day `holiday`, a day's number), noise of 2 √level; `n` steps from a Monday at midnight.
 */
export function weeklyTraffic(n: number, seed: number, steps: number, weekend = 150, holiday = -1, weekday = 400): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, t) => {
    const day = Math.floor(t / steps);
    const quiet = day % 7 >= 5 || day === holiday;
    const level = 100 + (quiet ? weekend : weekday) * Math.max(0, Math.sin(2 * Math.PI * ((t % steps) / steps - 0.25)));
    return level + 2 * Math.sqrt(level) * rng.normal();
  });
}
