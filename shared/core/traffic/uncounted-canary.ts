/**
 * A canary whose requests are not counted at all while it carries traffic. Where
 * the counts come from the platform's metrics (Cloud Run's request_count), a
 * request that never reaches an instance (no instance could start, the maximum
 * number of instances reached) is in nobody's count: users get 503s, and the
 * comparison with stable sees a canary with no traffic, which it can never clear,
 * so the step would hold its weight on a canary that answers nothing.
 */
import type { Tally } from './sequential.js';

/** Stable must have served this much in the step before its share can say anything. */
const MIN_STABLE_REQUESTS = 100;
/** And the canary's weight must predict at least this many of its own. */
const MIN_EXPECTED = 30;
/**
 * Counted below this share of what its weight predicts. A healthy canary's count is
 * binomial around the prediction: a tenth of 30 or more is beyond 1e-8 by chance,
 * and metrics that arrive late inflate stable's count by at most one delay's worth,
 * which halves the prediction's ratio, not tenths it.
 */
const LOST_BELOW = 0.1;

export function uncountedCanary(canary: Tally, stable: Tally, canaryPercent: number): string | undefined {
  if (!(canaryPercent > 0 && canaryPercent < 100) || stable.requests < MIN_STABLE_REQUESTS) return undefined;
  const expected = (stable.requests * canaryPercent) / (100 - canaryPercent);
  if (expected < MIN_EXPECTED || canary.requests >= expected * LOST_BELOW) return undefined;
  return (
    `the canary carries ${canaryPercent}% of the traffic, yet the metrics counted ${canary.requests} of its requests ` +
    `against ${stable.requests} of stable's (about ${Math.round(expected)} expected): its requests are not reaching an instance`
  );
}
