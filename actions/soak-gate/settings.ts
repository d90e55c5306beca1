import { refuse } from '../../shared/core/schema-kit.js';
import * as z from 'zod/mini';
import type { SoakPolicy } from '../../shared/core/soak.js';
import type { SoakContext } from '../../shared/core/soak-result.js';
import { booleanInput, duration, wholeNumber } from '../../shared/core/schema-kit.js';
import { optionalInput, type InputExamples } from '../../shared/core/schema-kit.js';

export const soakInputs = z
  .object({
    environment: z
      .string()
      .check(z.trim())
      .check(
        z.regex(
          /^[\w.\- ]{1,100}$/,
          'must be an environment name: letters, digits, dot, dash, underscore or space',
        ),
      ),
    /** How long the commit must have run on the environment (runbook 003: 4h, 24h for a major release). */
    duration: duration(),
    /** How often the monitor runs; duration / interval checks are expected. */
    interval: duration(),
    /** Green checks needed; default duration / interval. */
    'min-checks': optionalInput(wholeNumber(1, 10_000)),
    /** The scheduled healthcheck's workflow file whose runs are the checks. */
    'checks-workflow': z
      .string()
      .check(z.trim())
      .check(z.regex(/^[\w.-]+\.ya?ml$/, 'must be a workflow file name such as staging-monitor.yml')),
    sha: z
      .string()
      .check(z.trim())
      .check(z.regex(/^[0-9a-f]{7,40}$/, 'must be a commit SHA (the default is github.sha)')),
    'github-token': z
      .string()
      .check(z.trim())
      .check(z.minLength(1, 'is required (the default is github.token)')),
    /** true: a soak that is not over fails the step, so the release waits for a later run. */
    'fail-while-waiting': booleanInput,
  })
  .check(
    z.superRefine((s, ctx) => {
      if (s.duration <= 0) refuse(ctx, 'duration', 'must be longer than 0s');
      if (s.interval <= 0 || s.interval > s.duration)
        refuse(ctx, 'interval', 'must be longer than 0s and at most the duration');
    }),
  );

export type SoakSettings = z.output<typeof soakInputs>;

export function soakPolicyOf(settings: SoakSettings): SoakPolicy {
  return {
    environment: settings.environment,
    sha: settings.sha,
    durationMs: settings.duration,
    minChecks: settings['min-checks'] ?? Math.floor(settings.duration / settings.interval),
  };
}

export function soakContextOf(settings: SoakSettings): SoakContext {
  return {
    environment: settings.environment,
    sha: settings.sha,
    checksWorkflow: settings['checks-workflow'],
    failWhileWaiting: settings['fail-while-waiting'],
  };
}

export const soakExamples: InputExamples<typeof soakInputs> = {
  environment: 'environment: staging',
  duration: 'duration: 4h',
  interval: 'interval: 10m',
  'min-checks': 'min-checks: 20',
  'checks-workflow': 'checks-workflow: staging-monitor.yml',
  sha: 'sha: ${{ github.sha }}',
  'github-token': 'github-token: ${{ github.token }}',
  'fail-while-waiting': 'fail-while-waiting: true',
};
