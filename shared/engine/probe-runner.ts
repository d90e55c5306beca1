/**
 * Sends probes through an HttpClient and asks the core what each outcome means
 * and what to do next (retry, sample again, stop). Shared by healthcheck and by
 * the traffic actions' analysis gates.
 */
import type { Probe } from '../core/probe.js';
import {
  attemptOf,
  healthReport,
  judgeProbe,
  retryDelayMs,
  shouldRetry,
  shouldTakeAnotherSample,
  type Attempt,
  type HealthReport,
  type ProbeVerdict,
  type Sample,
} from '../core/verdict.js';
import type { Clock } from '../adapters/clock.js';
import type { HttpClient } from '../adapters/http.js';
import { mapBounded } from './pool.js';

export interface ProbeRunnerDeps {
  http: HttpClient;
  clock: Clock;
  log?: (message: string) => void;
}

export async function runProbe(
  probe: Probe,
  displayUrl: string,
  deps: ProbeRunnerDeps,
): Promise<ProbeVerdict> {
  const samples: Sample[] = [];
  while (shouldTakeAnotherSample(probe, samples)) {
    const sample: Attempt[] = [];
    do {
      if (sample.length > 0) {
        const delay = retryDelayMs(probe, sample.length);
        deps.log?.(
          `${probe.name}: ${sample[sample.length - 1]?.failures.join('; ')}; retrying in ${delay}ms`,
        );
        await deps.clock.sleep(delay);
      }
      const outcome = await deps.http.send({
        url: probe.url,
        method: probe.method,
        headers: probe.headers,
        ...(probe.body !== undefined && { body: probe.body }),
        timeoutMs: probe.timeoutMs,
        followRedirects: probe.followRedirects,
      });
      sample.push(attemptOf(probe, outcome));
    } while (shouldRetry(probe, sample));
    samples.push(sample);
  }
  return judgeProbe(probe, displayUrl, samples);
}

/** Probes in flight at once, and at once against one host (host:port). */
export interface ProbeBounds {
  concurrency: number;
  perHost?: number;
}

export async function runProbes(
  probes: readonly Probe[],
  displayUrls: readonly string[],
  bounds: ProbeBounds,
  deps: ProbeRunnerDeps,
): Promise<HealthReport> {
  const verdicts = await mapBounded(
    probes,
    {
      limit: bounds.concurrency,
      perKey: bounds.perHost ?? bounds.concurrency,
      keyOf: (probe) => new URL(probe.url).host,
    },
    (probe, i) => runProbe(probe, displayUrls[i] ?? probe.name, deps),
  );
  return healthReport(verdicts);
}
