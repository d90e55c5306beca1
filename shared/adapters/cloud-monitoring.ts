/**
 * Cloud Run's request counts from Cloud Monitoring's PromQL API
 * (POST v1/projects/{project}/location/global/prometheus/api/v1/query), with the
 * access token of the runner's gcloud: google-github-actions/auth sets gcloud up,
 * so whatever credentials deploy the service also read its metrics
 * (roles/monitoring.viewer). gcloud's own endpoint override for monitoring is
 * honoured, as gcloud would.
 */
import { OperationalError } from '../core/errors.js';
import {
  googleErrorMessage,
  requestCountQuery,
  requestCounts,
  type CloudRunService,
} from '../core/traffic/cloud-monitoring.js';
import type { RouterMetrics } from '../core/traffic/gates.js';
import { PromQLResultError } from '../core/traffic/prometheus-gate.js';
import type { Clock } from './clock.js';
import type { CommandRunner } from './exec.js';
import type { HttpClient } from './http.js';

export class CloudMonitoringUnavailable extends OperationalError {
  override readonly name = 'CloudMonitoringUnavailable';
  constructor(
    message: string,
    /** 401/403: the credentials cannot read metrics, which waiting will not fix. */
    readonly denied = false,
  ) {
    super(message);
  }
}

export interface CloudMonitoringOptions extends CloudRunService {
  /** Where the API lives; gcloud's CLOUDSDK_API_ENDPOINT_OVERRIDES_MONITORING when set. */
  endpoint?: string;
}

export interface CloudRunRequestCounts {
  /** Requests per revision since this reader was made, as far as Cloud Monitoring has them. */
  metrics(): Promise<RouterMetrics>;
}

// Tokens from gcloud live an hour; take a fresh one well before that.
const TOKEN_TTL_MS = 30 * 60_000;

export function cloudRunRequestCounts(
  options: CloudMonitoringOptions,
  deps: { http: HttpClient; runner: CommandRunner; clock: Clock; mask: (secret: string) => void },
): CloudRunRequestCounts {
  const endpoint = (options.endpoint ?? 'https://monitoring.googleapis.com/').replace(/\/*$/, '/');
  // A minute before the first read, so the first window is a full sample wide.
  const origin = deps.clock.now() - 60_000;
  let project = options.project;
  let token: { value: string; at: number } | undefined;

  const gcloud = async (...args: string[]) => (await deps.runner.run('gcloud', args)).stdout.trim();
  const accessToken = async (fresh: boolean) => {
    if (!token || fresh || deps.clock.now() - token.at > TOKEN_TTL_MS) {
      const value = await gcloud('auth', 'print-access-token', '--quiet');
      if (!value) throw new CloudMonitoringUnavailable('gcloud printed no access token', true);
      deps.mask(value);
      token = { value, at: deps.clock.now() };
    }
    return token.value;
  };
  const projectId = async () => {
    project ??= (await gcloud('config', 'get-value', 'project', '--quiet')) || undefined;
    if (!project)
      throw new CloudMonitoringUnavailable(
        'no project to read Cloud Monitoring in: set cloud-run-project, or configure gcloud with one',
        true,
      );
    return project;
  };

  const query = async (expression: string, fresh = false) =>
    deps.http.send({
      url: `${endpoint}v1/projects/${encodeURIComponent(await projectId())}/location/global/prometheus/api/v1/query`,
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${await accessToken(fresh)}`,
      },
      // No time: the server evaluates at its own now, whatever the runner's clock says.
      body: new URLSearchParams({ query: expression }).toString(),
      timeoutMs: 15_000,
      followRedirects: false,
    });

  return {
    async metrics() {
      const expression = requestCountQuery(
        { ...options, ...(project && { project }) },
        (deps.clock.now() - origin) / 1000,
      );
      let outcome = await query(expression);
      // An expired token is worth one retry with a new one; a refusal is not.
      if (outcome.kind === 'response' && outcome.response.status === 401)
        outcome = await query(expression, true);
      if (outcome.kind === 'error')
        throw new CloudMonitoringUnavailable(`Cloud Monitoring unreachable: ${outcome.error}`);
      const { status, body } = outcome.response;
      if (status === 200) return requestCounts(body);
      // PromQL errors come back as Prometheus' own JSON with 400/422.
      if (status === 400 || status === 422) {
        try {
          return requestCounts(body);
        } catch (error) {
          if (error instanceof PromQLResultError) throw new CloudMonitoringUnavailable(error.message);
          throw error;
        }
      }
      throw new CloudMonitoringUnavailable(
        `Cloud Monitoring answered ${googleErrorMessage(status, body)}`,
        status === 401 || status === 403 || status === 404,
      );
    },
  };
}
