/**
 * A Prometheus analysis gate: a PromQL query per revision ({{revision}} stands for
 * its name), a threshold on the canary's value, an optional limit on how far it may
 * exceed stable's, and a minimum number of samples (another query, e.g. requests in
 * the window) below which the value means nothing yet.
 */
import type { CheckResult } from './gates.js';

export interface PrometheusPolicy {
  query: string;
  /** The canary's value above this fails the check. */
  max: number;
  /** The canary's value above stable's by more than this fails the check; absent: not compared. */
  maxIncrease?: number;
  /** With samplesQuery: fewer samples behind the canary's value give no verdict. */
  minSamples: number;
  samplesQuery?: string;
}

/** The query for one revision. */
export function queryFor(template: string, revision: string): string {
  return template.replace(/\{\{\s*revision\s*\}\}/g, revision);
}

export class PromQLResultError extends Error {}

/** The answer is not Prometheus's JSON at all: a login page, a proxy, the wrong address. */
export class NotPrometheusError extends Error {}

/**
 * The single number an instant query answered, or undefined for no data (an empty
 * vector). Prometheus writes sample values as strings, with "+Inf", "-Inf" and
 * "NaN" for the IEEE specials (its JSON encoding, web/api/v1): those are values,
 * not missing data. Several series are ambiguous: the query must aggregate.
 */
export function instantValue(body: string): number | undefined {
  let parsed: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new NotPrometheusError('Prometheus answered with something that is not JSON');
  }
  if (parsed.status !== 'success')
    throw new PromQLResultError(`Prometheus: ${parsed.error ?? 'query failed'}`);
  const { resultType, result } = parsed.data ?? {};
  let raw: unknown;
  if (resultType === 'scalar') raw = (result as [number, string])[1];
  else if (resultType === 'vector') {
    const series = result as { value: [number, string] }[];
    if (series.length === 0) return undefined;
    if (series.length > 1)
      throw new PromQLResultError(
        `the query returned ${series.length} series; aggregate it to one (sum, max …)`,
      );
    raw = series[0]?.value[1];
  } else
    throw new PromQLResultError(
      `the query returned a ${resultType ?? 'missing'} result; an instant vector or scalar is needed`,
    );
  return sampleValue(raw);
}

export function sampleValue(raw: unknown): number {
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (Number.isNaN(value))
    throw new PromQLResultError(
      `Prometheus answered a sample value that is not a number: ${JSON.stringify(raw)}`,
    );
  return value;
}

const show = (n: number) => String(Number(n.toPrecision(3)));

/** What one check read from Prometheus; undefined is an empty answer. */
export interface PrometheusReading {
  canary: number | undefined;
  stable: number | undefined;
  samples: number | undefined;
  /** The canary's query answered at an earlier check of this rollout. */
  canaryAnsweredBefore: boolean;
}

export function prometheusCheck(policy: PrometheusPolicy, reading: PrometheusReading): CheckResult {
  const { stable, samples } = reading;
  if (policy.samplesQuery && policy.minSamples > 0 && (samples ?? 0) < policy.minSamples) {
    return {
      verdict: 'inconclusive',
      reasons: [
        `prometheus: ${show(samples ?? 0)} samples, fewer than the ${policy.minSamples} needed for a verdict`,
      ],
    };
  }
  let canary = reading.canary;
  if (canary === undefined) {
    // The limits are upper bounds on something bad (errors per request, failed
    // checkouts), and Prometheus has a labelled counter's series only from its first
    // event on: a code="503" series appears with the first 503. So while the samples
    // query counts requests, nothing matching is no bad event, 0, not missing data.
    // Without that count an empty answer cannot tell "no errors" from "not reporting".
    const servedRequests = policy.samplesQuery !== undefined && (samples ?? 0) > 0;
    if (!servedRequests) return noCanaryAnswer(reading);
    canary = 0;
  }
  if (Number.isNaN(canary))
    return {
      verdict: 'inconclusive',
      reasons: ['prometheus: the canary value is NaN (0/0: nothing to measure yet?)'],
    };
  const reasons: string[] = [];
  if (canary > policy.max)
    reasons.push(`prometheus: canary value ${show(canary)} over the ${show(policy.max)} limit`);
  if (
    policy.maxIncrease !== undefined &&
    stable !== undefined &&
    !Number.isNaN(stable) &&
    (canary === Infinity ? stable !== Infinity : canary - stable > policy.maxIncrease)
  )
    reasons.push(
      `prometheus: canary value ${show(canary)} exceeds stable's ${show(stable)} by more than ${show(policy.maxIncrease)}`,
    );
  return reasons.length ? { verdict: 'fail', reasons } : { verdict: 'pass', reasons: [] };
}

function noCanaryAnswer({ stable, canaryAnsweredBefore }: PrometheusReading): CheckResult {
  if (stable === undefined)
    return { verdict: 'inconclusive', reasons: ['prometheus: no data for the canary yet'] };
  // Its series were there and are gone while stable's still are: it stopped being
  // scraped (a crash?), and a window of nothing else must not leave traffic on it. A
  // canary that never answered may simply never have had an error to count.
  if (canaryAnsweredBefore)
    return {
      verdict: 'inconclusive',
      reasons: ["prometheus: no data for the canary any more while stable's series has data"],
      canaryVanished: true,
    };
  return {
    verdict: 'inconclusive',
    reasons: [
      "prometheus: no data for the canary yet while stable's series has data (no error counted yet? `or vector(0)` on the error count, or prometheus-samples-query, tells that from no traffic)",
    ],
  };
}
