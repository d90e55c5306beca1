/**
 * The Prometheus gate as the rollout runs it: a pre-flight query before any
 * traffic moves (a bad query is the user's input, an unreachable server stops the
 * start), then one check per interval. During the rollout an unreachable
 * Prometheus gives a warning and no verdict, never a rollback.
 */
import type { HttpClient } from '../adapters/http.js';
import { prometheusClient, PrometheusUnavailable, type Prometheus } from '../adapters/prometheus.js';
import { urlSecrets } from '../core/url.js';
import { ConfigurationError } from '../core/errors.js';
import type { CheckResult } from '../core/traffic/gates.js';
import {
  prometheusCheck,
  PromQLResultError,
  queryFor,
  type PrometheusPolicy,
} from '../core/traffic/prometheus-gate.js';

export interface PrometheusGate {
  preflight(): Promise<void>;
  check(): Promise<CheckResult>;
}

export function prometheusGate(
  policy: PrometheusPolicy,
  prometheus: Prometheus,
  names: { stable: string; canary: string },
  warn: (message: string) => void,
  examples: { query: string; samplesQuery: string },
): PrometheusGate {
  let canaryAnsweredBefore = false;
  const measure = async () => {
    const canary = await prometheus.query(queryFor(policy.query, names.canary));
    // Stable is read only to compare, or to tell a vanished canary from no data at all.
    const stable =
      policy.maxIncrease === undefined && canary !== undefined
        ? undefined
        : await prometheus.query(queryFor(policy.query, names.stable));
    const samples = policy.samplesQuery
      ? await prometheus.query(queryFor(policy.samplesQuery, names.canary))
      : undefined;
    return { canary, stable, samples };
  };
  /** Before traffic moves: a query Prometheus rejects is the user's input; no answer stops the start. */
  const tryQuery = async (template: string, input: string, example: string) => {
    try {
      await prometheus.query(queryFor(template, names.stable));
    } catch (error) {
      if (error instanceof PromQLResultError)
        throw new ConfigurationError(input, `fails in Prometheus: ${error.message}`, example);
      throw new PrometheusUnavailable(`${(error as Error).message}; no traffic was moved`);
    }
  };
  return {
    async preflight() {
      await tryQuery(policy.query, 'prometheus-query', examples.query);
      if (policy.samplesQuery)
        await tryQuery(policy.samplesQuery, 'prometheus-samples-query', examples.samplesQuery);
    },
    async check() {
      try {
        const { canary, stable, samples } = await measure();
        const result = prometheusCheck(policy, { canary, stable, samples, canaryAnsweredBefore });
        if (canary !== undefined) canaryAnsweredBefore = true;
        return result;
      } catch (error) {
        const reason = `Prometheus unavailable, so this check has no verdict from it: ${(error as Error).message}`;
        warn(reason);
        return { verdict: 'inconclusive', reasons: [reason] };
      }
    },
  };
}

/** The Prometheus gate's inputs, as shift-traffic reads them. */
export interface PrometheusInputs {
  'prometheus-url'?: string | undefined;
  'prometheus-token': string;
  'prometheus-query': string;
  'prometheus-max'?: number | undefined;
  'prometheus-max-increase'?: number | undefined;
  'prometheus-samples-query': string;
  'prometheus-min-samples': number;
}

/** What must never reach a log: the token and a credential-bearing URL. */
export function prometheusSecrets(s: PrometheusInputs): string[] {
  return [
    ...(s['prometheus-token'] ? [s['prometheus-token']] : []),
    ...(s['prometheus-url'] ? urlSecrets(s['prometheus-url']) : []),
  ];
}

/** The gate the inputs describe; undefined without prometheus-url. */
export function prometheusGateFor(
  s: PrometheusInputs,
  http: HttpClient,
  names: { stable: string; canary: string },
  warn: (message: string) => void,
  examples: { query: string; samplesQuery: string },
): PrometheusGate | undefined {
  const url = s['prometheus-url'];
  if (!url) return undefined;
  const token = s['prometheus-token'];
  const policy: PrometheusPolicy = {
    query: s['prometheus-query'],
    // Settings validation requires prometheus-max with prometheus-url.
    max: s['prometheus-max'] as number,
    ...(s['prometheus-max-increase'] !== undefined && { maxIncrease: s['prometheus-max-increase'] }),
    minSamples: s['prometheus-min-samples'],
    ...(s['prometheus-samples-query'] && { samplesQuery: s['prometheus-samples-query'] }),
  };
  return prometheusGate(
    policy,
    prometheusClient({ url, ...(token && { token }) }, http),
    names,
    warn,
    examples,
  );
}
