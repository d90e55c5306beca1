/**
 * Launch counts as a check may judge them. EAS learns that a launch failed only
 * when the device asks for an update again: expo-updates sends the ids of updates
 * whose launch failed in Expo-Recent-Failed-Update-IDs on its next manifest request
 * (expo/expo, packages/expo-updates FileDownloader), so the failures of the latest
 * launches are not in update:insights yet. A check therefore weighs the failures
 * reported by now against only the launches counted at least one report lag ago,
 * whose failures have had time to arrive; a failure reported early from a newer
 * launch still counts, against it, so the rate read is never lower than the one the
 * complete counts will show.
 */
import type { RouterMetrics } from './gates.js';

export interface LaunchReading {
  atMs: number;
  metrics: RouterMetrics;
}

export function reportedLaunches(
  readings: readonly LaunchReading[],
  now: LaunchReading,
  lagMs: number,
): RouterMetrics {
  // The step's first reading is its baseline: before one lag has passed, only failures count.
  const old = readings.filter((r) => r.atMs <= now.atMs - lagMs).at(-1) ?? readings[0];
  const judged: Record<string, { requests: number; errors5xx: number }> = {};
  for (const [revision, counts] of Object.entries(now.metrics)) {
    const then = old?.metrics[revision];
    const succeededThen = then ? then.requests - then.errors5xx : 0;
    judged[revision] = { requests: succeededThen + counts.errors5xx, errors5xx: counts.errors5xx };
  }
  return judged;
}
