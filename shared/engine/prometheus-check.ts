/**
 * The Prometheus gate as the rollout runs it: a pre-flight query before any
 * traffic moves (a bad query is the user's input, an unreachable server stops the
 * start), then one check per interval. During the rollout an unreachable
 * Prometheus gives a warning and no verdict, never a rollback.
 */
import { PrometheusUnavailable, type Prometheus } from '../adapters/prometheus.js';
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
  const measure = async () => {
    const canary = await prometheus.query(queryFor(policy.query, names.canary));
    const stable =
      policy.maxIncrease === undefined
        ? undefined
        : await prometheus.query(queryFor(policy.query, names.stable));
    const samples = policy.samplesQuery
      ? await prometheus.query(queryFor(policy.samplesQuery, names.canary))
      : undefined;
    return { canary, stable, samples };
  };
  return {
    async preflight() {
      try {
        await prometheus.query(queryFor(policy.query, names.stable));
      } catch (error) {
        if (error instanceof PromQLResultError)
          throw new ConfigurationError(
            'prometheus-query',
            `fails in Prometheus: ${error.message}`,
            examples.query,
          );
        throw new PrometheusUnavailable(`${(error as Error).message}; no traffic was moved`);
      }
      if (policy.samplesQuery) {
        try {
          await prometheus.query(queryFor(policy.samplesQuery, names.stable));
        } catch (error) {
          if (error instanceof PromQLResultError)
            throw new ConfigurationError(
              'prometheus-samples-query',
              `fails in Prometheus: ${error.message}`,
              examples.samplesQuery,
            );
          throw error;
        }
      }
    },
    async check() {
      try {
        const { canary, stable, samples } = await measure();
        return prometheusCheck(policy, canary, stable, samples);
      } catch (error) {
        const reason = `Prometheus unavailable, so this check has no verdict from it: ${(error as Error).message}`;
        warn(reason);
        return { verdict: 'inconclusive', reasons: [reason] };
      }
    },
  };
}
