/**
 * Instant PromQL queries over Prometheus's HTTP API (/api/v1/query), through the
 * same HTTP client as the probes. The numbers are read by the pure instantValue.
 */
import { OperationalError } from '../core/errors.js';
import { instantValue, NotPrometheusError } from '../core/traffic/prometheus-gate.js';
import type { HttpClient } from './http.js';

export interface PrometheusOptions {
  url: string;
  token?: string;
  timeoutMs?: number;
}

export interface Prometheus {
  /** The query's single value; undefined for no data. Throws PromQLResultError for a bad query. */
  query(expression: string): Promise<number | undefined>;
}

export class PrometheusUnavailable extends OperationalError {
  override readonly name = 'PrometheusUnavailable';
}

export function prometheusClient(options: PrometheusOptions, http: HttpClient): Prometheus {
  const base = options.url.replace(/\/+$/, '');
  return {
    async query(expression) {
      const outcome = await http.send({
        url: `${base}/api/v1/query?query=${encodeURIComponent(expression)}`,
        method: 'GET',
        headers: {
          accept: 'application/json',
          ...(options.token && { authorization: `Bearer ${options.token}` }),
        },
        timeoutMs: options.timeoutMs ?? 10_000,
        followRedirects: false,
      });
      if (outcome.kind === 'error')
        throw new PrometheusUnavailable(`Prometheus unreachable: ${outcome.error}`);
      const { status, body } = outcome.response;
      // 400 and 422 carry PromQL errors in JSON; anything else is the server's trouble.
      try {
        if (status === 400 || status === 422 || status === 200) return instantValue(body);
      } catch (error) {
        if (error instanceof NotPrometheusError)
          throw new PrometheusUnavailable(
            `prometheus-url answered ${status} with ${outcome.response.headers['content-type'] || 'no content type'}, not Prometheus's JSON (a login page or a proxy? check the address and prometheus-token)`,
          );
        throw error;
      }
      throw new PrometheusUnavailable(`Prometheus answered ${status}`);
    },
  };
}
