/**
 * With provider cloud-run, the router's error-rate gate reads what users got from
 * Cloud Monitoring: Cloud Run itself reports no counters to gcloud. A pre-flight
 * read before any traffic moves turns missing permissions into the user's input
 * error, not a rollout that holds for want of data.
 */
import { CloudMonitoringUnavailable, cloudRunRequestCounts } from '../adapters/cloud-monitoring.js';
import type { Clock } from '../adapters/clock.js';
import { execRunner } from '../adapters/exec.js';
import type { HttpClient } from '../adapters/http.js';
import { withMetrics, type TrafficProvider } from '../adapters/providers/provider.js';
import { ConfigurationError, OperationalError } from '../core/errors.js';
import { formatDuration } from '../core/duration.js';

export interface CloudRunMetricsInputs {
  provider: string;
  'cloud-run-service': string;
  'cloud-run-region': string;
  'cloud-run-project': string;
  'cloud-run-metrics': boolean;
  'cloud-run-metrics-delay': number;
}

export interface GatedProvider {
  provider: TrafficProvider;
  metricsDelayMs?: number;
  /** For the summary: where the error rate comes from, and how late. */
  notes: string[];
}

export async function withCloudRunMetrics(
  provider: TrafficProvider,
  settings: CloudRunMetricsInputs,
  deps: {
    http: HttpClient;
    clock: Clock;
    env: Readonly<Record<string, string | undefined>>;
    mask: (secret: string) => void;
  },
): Promise<GatedProvider> {
  if (provider.kind !== 'cloud-run' || !settings['cloud-run-metrics']) return { provider, notes: [] };
  const endpoint = deps.env['CLOUDSDK_API_ENDPOINT_OVERRIDES_MONITORING'];
  const counts = cloudRunRequestCounts(
    {
      service: settings['cloud-run-service'],
      region: settings['cloud-run-region'],
      ...(settings['cloud-run-project'] && { project: settings['cloud-run-project'] }),
      ...(endpoint && { endpoint }),
    },
    { http: deps.http, runner: execRunner(), clock: deps.clock, mask: deps.mask },
  );
  try {
    await counts.metrics();
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof CloudMonitoringUnavailable && error.denied)
      throw new ConfigurationError(
        'cloud-run-metrics',
        `needs Cloud Monitoring, which refused: ${message}. Grant the workflow's service account roles/monitoring.viewer, or set it to false to gate on probes only; no traffic was moved`,
        'cloud-run-metrics: false',
      );
    throw new OperationalError(`Cloud Monitoring could not be read (${message}); no traffic was moved`);
  }
  const delay = settings['cloud-run-metrics-delay'];
  return {
    // request_count includes what is sent to a revision's tag URL.
    provider: withMetrics(provider, () => counts.metrics(), { countsDirectRequests: true }),
    metricsDelayMs: delay,
    notes: [
      `Error rate: Cloud Monitoring's run.googleapis.com/request_count per revision. Its counts arrive up to ${formatDuration(delay)} late, so a step without a verdict checks that much longer before holding.`,
      // Google's metric list: request_count excludes requests not reaching an instance.
      "request_count counts the probes of the canary's tag URL with its users' requests, and leaves out requests that never reached an instance (none could start, the maximum instances reached): a probe of ${CANARY_URL} sees those, and a canary counted far below its share once the delay has passed is rolled back.",
    ],
  };
}
