/**
 * Cloud Run's request counts from Cloud Monitoring's PromQL API
 * (POST v1/projects/{project}/location/global/prometheus/api/v1/query), with the
 * access token of the runner's gcloud: google-github-actions/auth sets gcloud up,
 * so whatever credentials deploy the service also read its metrics
 * (roles/monitoring.viewer). gcloud's own endpoint override for monitoring is
 * honoured, as gcloud would.
 */
import { OperationalError } from '../core/errors.js';
import { countsAnswer, requestCountQuery, type CloudRunService } from '../core/traffic/cloud-monitoring.js';
import type { RouterMetrics } from '../core/traffic/gates.js';
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
  deps: CounterDeps,
): CloudRunRequestCounts {
  return new RequestCounter(options, deps);
}

interface CounterDeps {
  http: HttpClient;
  runner: CommandRunner;
  clock: Clock;
  mask: (secret: string) => void;
}

class RequestCounter implements CloudRunRequestCounts {
  private readonly endpoint: string;
  /** A minute before the first read, so the first window is a full sample wide. */
  private readonly origin: number;
  private project: string | undefined;
  private token: { value: string; at: number } | undefined;

  constructor(
    private readonly options: CloudMonitoringOptions,
    private readonly deps: CounterDeps,
  ) {
    this.endpoint = (options.endpoint ?? 'https://monitoring.googleapis.com/').replace(/\/*$/, '/');
    this.origin = deps.clock.now() - 60_000;
    this.project = options.project;
  }

  private async gcloud(...args: string[]): Promise<string> {
    return (await this.deps.runner.run('gcloud', args)).stdout.trim();
  }

  private async accessToken(fresh: boolean): Promise<string> {
    const { clock, mask } = this.deps;
    if (!this.token || fresh || clock.now() - this.token.at > TOKEN_TTL_MS) {
      const value = await this.gcloud('auth', 'print-access-token', '--quiet');
      if (!value) throw new CloudMonitoringUnavailable('gcloud printed no access token', true);
      mask(value);
      this.token = { value, at: clock.now() };
    }
    return this.token.value;
  }

  private async projectId(): Promise<string> {
    this.project ??= (await this.gcloud('config', 'get-value', 'project', '--quiet')) || undefined;
    if (!this.project)
      throw new CloudMonitoringUnavailable(
        'no project to read Cloud Monitoring in: set cloud-run-project, or configure gcloud with one',
        true,
      );
    return this.project;
  }

  private async query(expression: string, fresh = false) {
    const project = encodeURIComponent(await this.projectId());
    return this.deps.http.send({
      url: `${this.endpoint}v1/projects/${project}/location/global/prometheus/api/v1/query`,
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${await this.accessToken(fresh)}`,
      },
      // No time: the server evaluates at its own now, whatever the runner's clock says.
      body: new URLSearchParams({ query: expression }).toString(),
      timeoutMs: 15_000,
      followRedirects: false,
    });
  }

  async metrics(): Promise<RouterMetrics> {
    const since = (this.deps.clock.now() - this.origin) / 1000;
    const expression = requestCountQuery(
      { ...this.options, ...(this.project && { project: this.project }) },
      since,
    );
    let outcome = await this.query(expression);
    // An expired token is worth one retry with a new one; a refusal is not.
    if (outcome.kind === 'response' && outcome.response.status === 401)
      outcome = await this.query(expression, true);
    if (outcome.kind === 'error')
      throw new CloudMonitoringUnavailable(`Cloud Monitoring unreachable: ${outcome.error}`);
    const answer = countsAnswer(outcome.response.status, outcome.response.body);
    if (answer.kind === 'counts') return answer.metrics;
    throw new CloudMonitoringUnavailable(answer.message, answer.denied);
  }
}
