import { refuse } from '../../shared/core/schema-kit.js';
import * as z from 'zod/mini';
import { probeList, type ProbeDefaults } from '../../shared/core/probe-spec.js';
import { booleanInput, duration, wholeNumber, timeLimit } from '../../shared/core/schema-kit.js';
import { optionalInput, yamlText, type InputExamples } from '../../shared/core/schema-kit.js';

export const healthcheckInputs = z
  .object({
    /** Probes written inline as a YAML list. */
    probes: optionalInput(yamlText(probeList)),
    /** A YAML file in the repository holding probes (a list, or `probes:`). */
    config: optionalInput(z.string()),
    /** Prefix for probe URLs written as paths; may be a `${VAR}` from the step's env. */
    'base-url': z.string().check(z.trim()),
    /** Per-attempt timeout unless a probe sets its own. */
    timeout: timeLimit(),
    /** Requests per probe for latency percentiles unless a probe sets its own. */
    samples: wholeNumber(1, 100),
    /** Extra attempts that must fail before a probe counts as down. */
    retries: wholeNumber(0, 10),
    /** First backoff between attempts; doubles each retry. */
    'retry-delay': duration(),
    /** Probes in flight at once. */
    concurrency: wholeNumber(1, 64),
    /** Probes in flight at once against one host (host:port), so many probes never crowd one service. */
    'per-host': wholeNumber(1, 64),
    /** true: a gate that fails the step; false: a monitor that only reports. */
    'fail-on-unhealthy': booleanInput,
  })
  .check(
    z.superRefine((s, ctx) => {
      if (!s.probes?.length && !s.config) {
        refuse(ctx, 'probes', 'is empty: give probes (a YAML list) or config (a file with probes)');
      }
    }),
  );

export type HealthcheckSettings = z.output<typeof healthcheckInputs>;

/** What a probe uses when it does not set its own timeout, samples or retries. */
export function probeDefaultsOf(settings: HealthcheckSettings): ProbeDefaults {
  return {
    timeoutMs: settings.timeout,
    samples: settings.samples,
    retries: settings.retries,
    retryDelayMs: settings['retry-delay'],
  };
}

export const healthcheckExamples: InputExamples<typeof healthcheckInputs> = {
  probes: 'probes: [{name: api, url: "https://api.example.com/health", expect: {status: 200}}]',
  config: 'config: .github/healthcheck.yml',
  'base-url': 'base-url: https://api.example.com',
  timeout: 'timeout: 10s',
  samples: 'samples: 5',
  retries: 'retries: 2',
  'retry-delay': 'retry-delay: 1s',
  concurrency: 'concurrency: 50',
  'per-host': 'per-host: 32',
  'fail-on-unhealthy': 'fail-on-unhealthy: false',
};
