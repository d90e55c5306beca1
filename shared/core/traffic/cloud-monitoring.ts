/**
 * Cloud Run's own request counts, read from Cloud Monitoring's PromQL API: what
 * the canary's real users got, by revision and response class. Pure: the query
 * to send and the counts in the answer.
 *
 * Facts this relies on (Google's documentation):
 * - `run.googleapis.com/request_count` is written per revision with the labels
 *   revision_name, service_name, location and response_code_class ("2xx" … "5xx");
 *   in PromQL its name is `run_googleapis_com:request_count` (the first "/"
 *   becomes ":", every other "." and "/" becomes "_").
 * - It is sampled every 60 s and a sample can take up to 180 s more to become
 *   visible, so the latest minutes are always missing or partial.
 */
import { PromQLResultError, sampleValue } from './prometheus-gate.js';
import type { RouterMetrics } from './gates.js';

export interface CloudRunService {
  service: string;
  region: string;
  /** Narrows to one project when a metrics scope spans several; empty: the queried project's. */
  project?: string;
}

const quote = (value: string) => JSON.stringify(value);

/**
 * Requests per revision and response class over the last `windowSeconds`. A
 * window anchored at a fixed start gives counters that only grow as late
 * samples arrive, so differences between two reads count each request once.
 */
export function requestCountQuery(where: CloudRunService, windowSeconds: number): string {
  const labels = [
    `monitored_resource="cloud_run_revision"`,
    `service_name=${quote(where.service)}`,
    `location=${quote(where.region)}`,
    ...(where.project ? [`project_id=${quote(where.project)}`] : []),
  ].join(',');
  const window = Math.max(60, Math.ceil(windowSeconds));
  return `sum by (revision_name, response_code_class) (increase(run_googleapis_com:request_count{${labels}}[${window}s]))`;
}

interface Series {
  metric?: Record<string, string>;
  value?: [number, string];
}

/** Counts per revision from the query's answer; a revision with no series has no entry. */
export function requestCounts(body: string): RouterMetrics {
  let parsed: { status?: string; error?: string; data?: { resultType?: string; result?: Series[] } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new PromQLResultError('Cloud Monitoring answered with something that is not JSON');
  }
  if (parsed.status !== 'success')
    throw new PromQLResultError(`Cloud Monitoring: ${parsed.error ?? 'query failed'}`);
  if (parsed.data?.resultType !== 'vector')
    throw new PromQLResultError(
      `Cloud Monitoring returned a ${parsed.data?.resultType ?? 'missing'} result; a vector was expected`,
    );
  const counts: Record<string, { requests: number; errors5xx: number }> = {};
  for (const series of parsed.data.result ?? []) {
    const revision = series.metric?.['revision_name'];
    if (!revision) continue;
    const value = sampleValue(series.value?.[1]);
    // increase() extrapolates to the window's edges; a count is whole and never negative.
    const n = Number.isFinite(value) ? Math.max(0, Math.round(value)) : 0;
    const entry = (counts[revision] ??= { requests: 0, errors5xx: 0 });
    entry.requests += n;
    if (series.metric?.['response_code_class'] === '5xx') entry.errors5xx += n;
  }
  return counts;
}

/** Google's error body ({"error": {"code", "message", "status"}}) as one line. */
export function googleErrorMessage(status: number, body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: { message?: string; status?: string } }).error;
    if (error?.message) return `${status} ${error.status ?? ''}: ${error.message}`.replace(' :', ':');
  } catch {
    // Not Google's JSON: the status alone says enough.
  }
  return `HTTP ${status}`;
}

export type CountsAnswer =
  | { kind: 'counts'; metrics: RouterMetrics }
  | { kind: 'unavailable'; message: string; /** 401/403/404: waiting will not fix it. */ denied: boolean };

/** What an answer of the PromQL API means: counts, or why there are none. */
export function countsAnswer(status: number, body: string): CountsAnswer {
  if (status === 200) return { kind: 'counts', metrics: requestCounts(body) };
  // PromQL errors come back as Prometheus' own JSON with 400/422.
  if (status === 400 || status === 422) {
    try {
      return { kind: 'counts', metrics: requestCounts(body) };
    } catch (error) {
      if (error instanceof PromQLResultError)
        return { kind: 'unavailable', message: error.message, denied: false };
      throw error;
    }
  }
  return {
    kind: 'unavailable',
    message: `Cloud Monitoring answered ${googleErrorMessage(status, body)}`,
    denied: status === 401 || status === 403 || status === 404,
  };
}
