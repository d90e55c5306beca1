/**
 * From raw attempts to a verdict. A probe is only called down when a failure is
 * confirmed: the sample's first attempt failed and every retry failed too, so one
 * blip on a flapping endpoint is reported but never pages anyone.
 */
import { latencyStats, type LatencyStats } from './latency.js';
import { judgeOutcome, type Outcome, type Probe } from './probe.js';

export interface Attempt {
  outcome: Outcome;
  /** Empty when the attempt met every expectation. */
  failures: string[];
}

export type Sample = readonly Attempt[];

export interface ProbeVerdict {
  name: string;
  /** The URL with credentials removed; safe to print. */
  url: string;
  method: string;
  healthy: boolean;
  /** Why it is down; absent when healthy. */
  reason?: string;
  /** Last HTTP status seen, if any response arrived. */
  status?: number;
  samples: number;
  failedSamples: number;
  attempts: number;
  /** Failed attempts that a retry then contradicted. */
  blips: number;
  latencyMs?: LatencyStats;
  p95BudgetMs?: number;
}

export interface HealthReport {
  healthy: boolean;
  failed: string[];
  probes: ProbeVerdict[];
}

const MAX_RETRY_DELAY_MS = 30_000;

export function attemptOf(probe: Probe, outcome: Outcome): Attempt {
  return { outcome, failures: judgeOutcome(probe, outcome) };
}

export function sampleFailed(sample: Sample): boolean {
  const last = sample[sample.length - 1];
  return last === undefined || last.failures.length > 0;
}

/** Another attempt is due when the latest one failed and retries remain. */
export function shouldRetry(probe: Probe, sample: Sample): boolean {
  return sampleFailed(sample) && sample.length <= probe.retries;
}

/** Exponential backoff from the probe's base delay: base, 2×base, 4×base … capped. */
export function retryDelayMs(probe: Probe, attemptsSoFar: number): number {
  return Math.min(probe.retryDelayMs * 2 ** Math.max(attemptsSoFar - 1, 0), MAX_RETRY_DELAY_MS);
}

/** Once a sample is confirmed down the probe is down; more samples would only cost time. */
export function shouldTakeAnotherSample(probe: Probe, samples: readonly Sample[]): boolean {
  return samples.length < probe.samples && !samples.some(sampleFailed);
}

export function judgeProbe(probe: Probe, displayUrl: string, samples: readonly Sample[]): ProbeVerdict {
  const attempts = samples.flat();
  const failedSamples = samples.filter(sampleFailed);
  const blips = samples
    .filter((s) => !sampleFailed(s))
    .reduce((n, s) => n + s.filter((a) => a.failures.length > 0).length, 0);
  const finals = samples.map((s) => s[s.length - 1]).filter((a): a is Attempt => a !== undefined);
  const latencies = finals.filter((a) => a.outcome.kind === 'response').map((a) => a.outcome.latencyMs);
  const stats = latencyStats(latencies);
  const lastResponse = [...attempts].reverse().find((a) => a.outcome.kind === 'response')?.outcome;

  let reason: string | undefined;
  const firstFailed = failedSamples[0];
  if (firstFailed) {
    const tries = firstFailed.length;
    const last = firstFailed[tries - 1] as Attempt;
    reason = last.failures.join('; ') + (tries > 1 ? ` (failed ${tries} of ${tries} attempts)` : '');
  } else if (samples.length === 0) {
    reason = 'no request was sent';
  } else if (probe.expect.p95BudgetMs !== undefined && stats && stats.p95 > probe.expect.p95BudgetMs) {
    reason = `p95 ${Math.round(stats.p95)}ms over the ${probe.expect.p95BudgetMs}ms budget (${stats.count} samples)`;
  }

  return {
    name: probe.name,
    url: displayUrl,
    method: probe.method,
    healthy: reason === undefined,
    ...(reason !== undefined && { reason }),
    ...(lastResponse?.kind === 'response' && { status: lastResponse.response.status }),
    samples: samples.length,
    failedSamples: failedSamples.length,
    attempts: attempts.length,
    blips,
    ...(stats && { latencyMs: stats }),
    ...(probe.expect.p95BudgetMs !== undefined && { p95BudgetMs: probe.expect.p95BudgetMs }),
  };
}

export function healthReport(verdicts: readonly ProbeVerdict[]): HealthReport {
  const failed = verdicts.filter((v) => !v.healthy).map((v) => v.name);
  return { healthy: failed.length === 0, failed, probes: [...verdicts] };
}
