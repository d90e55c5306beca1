import { refuse } from '../../shared/core/schema-kit.js';
import { chatExamples, chatInputs } from '../../shared/core/notify/webhook-input.js';
import * as z from 'zod/mini';
import { ConfigurationError, leafIssue } from '../../shared/core/errors.js';
import { probeList } from '../../shared/core/probe-spec.js';
import { parseYaml } from '../../shared/core/yaml-text.js';
import { formatDuration } from '../../shared/core/duration.js';
import { booleanInput, duration, timeLimit, wholeNumber } from '../../shared/core/schema-kit.js';
import { deploymentExamples, deploymentInputs } from '../../shared/core/traffic/deployment-settings.js';
import {
  looksLikeShorthand,
  planSpec,
  shorthandPlan,
  withBake,
  type Plan,
} from '../../shared/core/traffic/plan.js';
import {
  checkProviderInputs,
  providerExamples,
  providerInputs,
  revisionName,
} from '../../shared/core/traffic/provider-settings.js';
import {
  optionalInput,
  problemText,
  yamlErrorLine,
  yamlText,
  type InputExamples,
} from '../../shared/core/schema-kit.js';

const finiteNumber = z.pipe(
  z.string().check(z.trim()),
  z.transform((text, ctx) => {
    const value = Number(text);
    if (!/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(text) || !Number.isFinite(value)) {
      refuse(ctx, [], 'must be a number such as 0.05 or 250');
      return z.NEVER;
    }
    return value;
  }),
);

const ratio = z.pipe(
  z.string().check(z.trim()),
  z.transform((text, ctx) => {
    const match = /^(\d+(?:\.\d+)?)\s*%$/.exec(text) ?? /^(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(text);
    const value = match ? (text.endsWith('%') ? Number(match[1]) / 100 : Number(match[1])) : NaN;
    if (!(value >= 0 && value <= 1)) {
      refuse(ctx, [], 'must be a percentage such as 5% or a ratio such as 0.05');
      return z.NEVER;
    }
    return value;
  }),
);

export const shiftTrafficInputs = z
  .object({
    ...providerInputs,
    /** The revision that has the traffic now and gets it back on rollback. */
    'stable-revision': revisionName,
    /** The revision being rolled out. */
    'canary-revision': revisionName,
    /** `10,25,50,100`, or a YAML list of steps (weight / pause / analysis). */
    steps: z.string().check(z.trim()).check(z.minLength(1, 'is required')),
    /** Shorthand plans: how long each weight is analysed before the next. */
    'step-duration': duration(),
    /** How often the gates are checked during an analysis. */
    'check-interval': duration(),
    /** Router error-rate gate: the canary's highest acceptable 5xx share. */
    'max-error-rate': ratio,
    /** The rise of the canary's 5xx share over stable's that the sequential comparison catches; empty to not compare. */
    'max-error-increase': optionalInput(ratio),
    /** How much slower than stable the canary's answers may be before the comparison counts against it; empty: latency not compared. */
    'max-latency-increase': optionalInput(duration()),
    /** Fewer canary requests than this in a check gives no verdict. */
    'min-requests': wholeNumber(1, 1_000_000),
    /** EAS Update launch gate: the canary update's highest acceptable share of launches that failed before first render. */
    'max-crash-rate': ratio,
    /** EAS Update crash gate: the highest acceptable excess over the previous update's; empty to not compare. */
    'max-crash-increase': optionalInput(ratio),
    /** EAS Update crash gate: fewer canary launches than this in a check gives no verdict. */
    'min-launches': wholeNumber(1, 100_000_000),
    /** EAS Update crash gate: how long a failed launch takes to reach EAS (the device's next update check). */
    'launch-report-lag': duration(),
    /** Failed checks in a row tolerated before rolling back (0: the first failure rolls back). */
    'failure-limit': wholeNumber(0, 100),
    /** Report gate failures without rolling back. */
    advisory: booleanInput,
    /** HAProxy: a request unanswered this long counts as failed (a hung canary); 0 turns it off. */
    'hang-after': timeLimit(),
    /** Read the platform, check everything, print the plan; change nothing. */
    'dry-run': booleanInput,
    /** HAProxy: read the router every 10 ms and hold traffic on stable at the canary's first failure. */
    tripwire: booleanInput,
    /** The path asked of both revisions directly to confirm a trip. */
    'confirm-path': z
      .string()
      .check(z.trim())
      // One leading '/': '//host' and '/\\host' name another host to URL parsers.
      .check(
        z.regex(
          // eslint-disable-next-line no-control-regex -- control characters are what it refuses
          /^\/(?![/\\])[^\s?#\\\x00-\x1f\x7f]*(\?[^\s#\x00-\x1f\x7f]*)?$/,
          'must be a path such as /healthz (one leading /, no spaces or backslashes)',
        ),
      ),
    /** Cloud Run: gate on the revisions' request counts from Cloud Monitoring, as users saw them. */
    'cloud-run-metrics': booleanInput,
    /** Cloud Run: how late Cloud Monitoring's request counts may arrive. */
    'cloud-run-metrics-delay': duration(),
    /** HTTP probes run at every check, like healthcheck's; ${CANARY_URL} is the canary's own address. */
    probes: optionalInput(yamlText(probeList)),
    /** Prometheus gate: the server's base URL; empty for no Prometheus gate. */
    'prometheus-url': optionalInput(
      z
        .string()
        .check(z.trim())
        .check(z.regex(/^https?:\/\/[^\s/]+/, 'must be an http(s) URL such as http://prometheus:9090')),
    ),
    /** Prometheus gate: a bearer token, for hosted Prometheus. */
    'prometheus-token': z.string().check(z.trim()),
    /** Prometheus gate: PromQL giving one number per revision; {{revision}} is its name. */
    'prometheus-query': z.string().check(z.trim()),
    /** Prometheus gate: the canary's value above this fails the check. */
    'prometheus-max': optionalInput(finiteNumber),
    /** Prometheus gate: the canary's value above stable's by more than this fails; empty to not compare. */
    'prometheus-max-increase': optionalInput(finiteNumber),
    /** Prometheus gate: PromQL counting the samples behind the value (e.g. requests in the window). */
    'prometheus-samples-query': z.string().check(z.trim()),
    /** Prometheus gate: fewer samples than this give no verdict. */
    'prometheus-min-samples': wholeNumber(0, 1_000_000_000),
    ...deploymentInputs,
    ...chatInputs,
  })
  .check(
    z.superRefine((s, ctx) => {
      checkProviderInputs(s, ctx);
      if (s['stable-revision'] === s['canary-revision']) {
        refuse(ctx, 'canary-revision', 'must differ from stable-revision');
      }
      if (s['check-interval'] < 100) refuse(ctx, 'check-interval', 'must be at least 100ms');
      checkPrometheusInputs(s, ctx);
    }),
  );

function checkPrometheusInputs(
  s: {
    'prometheus-url'?: string | undefined;
    'prometheus-query': string;
    'prometheus-max'?: number | undefined;
    'prometheus-samples-query': string;
    'prometheus-min-samples': number;
  },
  ctx: z.core.$RefinementCtx,
): void {
  if (!s['prometheus-url']) {
    for (const input of ['prometheus-query', 'prometheus-samples-query'] as const)
      if (s[input]) refuse(ctx, 'prometheus-url', `is required with ${input}`);
    return;
  }
  if (!s['prometheus-query']) refuse(ctx, 'prometheus-query', 'is required with prometheus-url');
  else if (!/\{\{\s*revision\s*\}\}/.test(s['prometheus-query']))
    refuse(
      ctx,
      'prometheus-query',
      'must name the revision as {{revision}}, so canary and stable are measured apart',
    );
  if (s['prometheus-max'] === undefined) refuse(ctx, 'prometheus-max', 'is required with prometheus-url');
  if (s['prometheus-min-samples'] > 0 && !s['prometheus-samples-query'])
    refuse(ctx, 'prometheus-samples-query', 'is required when prometheus-min-samples is above 0');
}

/** The plan the steps input describes; the shorthand needs step-duration and check-interval. */
export async function planOf(
  s: Pick<ShiftTrafficSettings, 'steps' | 'step-duration' | 'check-interval'>,
): Promise<Plan> {
  const plan = await parsePlan(s.steps, s['step-duration'], s['check-interval']);
  if (typeof plan === 'string') throw new ConfigurationError('steps', plan, shiftTrafficExamples.steps);
  return plan;
}

async function parsePlan(text: string, holdMs: number, intervalMs: number): Promise<Plan | string> {
  if (looksLikeShorthand(text)) return shorthandPlan(text, holdMs, intervalMs);
  let document: unknown;
  try {
    document = await parseYaml(text);
  } catch (error) {
    return `is neither a list of weights (10,50,100) nor valid YAML (${yamlErrorLine(error)})`;
  }
  if (!Array.isArray(document))
    return `must be weights such as 10,50,100 or a YAML list of steps; ${JSON.stringify(text.slice(0, 40))} is neither`;
  const parsed = planSpec.safeParse(document);
  if (parsed.success) return withBake(parsed.data, holdMs, intervalMs);
  const issue = leafIssue(parsed.error.issues[0] as z.core.$ZodIssue);
  return problemText({ ...issue, path: ['steps', ...issue.path] });
}

export type ShiftTrafficSettings = z.output<typeof shiftTrafficInputs>;

export const shiftTrafficExamples: InputExamples<typeof shiftTrafficInputs> = {
  ...providerExamples,
  'stable-revision': 'stable-revision: blue',
  'canary-revision': 'canary-revision: green',
  steps: 'steps: 10,25,50,100',
  'step-duration': 'step-duration: 2m',
  'check-interval': 'check-interval: 10s',
  'max-error-rate': 'max-error-rate: 5%',
  'max-error-increase': 'max-error-increase: 1%',
  'max-latency-increase': 'max-latency-increase: 50ms',
  'min-requests': 'min-requests: 20',
  'max-crash-rate': 'max-crash-rate: 0.5%',
  'max-crash-increase': 'max-crash-increase: 0.2%',
  'min-launches': 'min-launches: 500',
  'launch-report-lag': 'launch-report-lag: 10m',
  'failure-limit': 'failure-limit: 0',
  'hang-after': 'hang-after: 5s',
  'dry-run': 'dry-run: true',
  tripwire: 'tripwire: true',
  'confirm-path': 'confirm-path: /healthz',
  'cloud-run-metrics': 'cloud-run-metrics: true',
  'cloud-run-metrics-delay': 'cloud-run-metrics-delay: 3m',
  advisory: 'advisory: false',
  probes: 'probes: [{name: canary-health, url: "${CANARY_URL}/health"}]',
  'prometheus-url': 'prometheus-url: http://prometheus.monitoring:9090',
  'prometheus-token': 'prometheus-token: ${{ secrets.PROMETHEUS_TOKEN }}',
  'prometheus-query':
    'prometheus-query: (sum(rate(http_requests_total{revision="{{revision}}",code=~"5.."}[1m])) or vector(0)) / sum(rate(http_requests_total{revision="{{revision}}"}[1m]))',
  'prometheus-max': 'prometheus-max: 0.01',
  'prometheus-max-increase': 'prometheus-max-increase: 0.005',
  'prometheus-samples-query':
    'prometheus-samples-query: sum(increase(http_requests_total{revision="{{revision}}"}[1m]))',
  'prometheus-min-samples': 'prometheus-min-samples: 50',
  ...deploymentExamples,
  ...chatExamples,
};

/**
 * A step shorter than the report lag could never judge a launch whose failure had
 * time to arrive: it would hold, or pass on launches that cannot yet show failures.
 */
export function refuseShortLaunchSteps(plan: Plan, lagMs: number): void {
  const short = plan.find((step) => step.kind === 'analysis' && step.durationMs < lagMs);
  if (short && short.kind === 'analysis')
    throw new ConfigurationError(
      'launch-report-lag',
      `is ${formatDuration(lagMs)}, longer than an analysed step (${formatDuration(short.durationMs)}): EAS learns of a failed launch on the device's next update check, so no launch in that step could show its failure by the step's end; make each step at least ${formatDuration(lagMs)}, or lower launch-report-lag if your devices check sooner`,
      shiftTrafficExamples['launch-report-lag'],
    );
}

/** A rollout needs something that can stop a bad canary: router metrics, probes or Prometheus. */
export function requireAGate(
  provider: { kind: string; metrics?: unknown },
  hasProbes: boolean,
  prometheusUrl: string | undefined,
): void {
  if (!provider.metrics && !hasProbes && !prometheusUrl)
    throw new ConfigurationError(
      'probes',
      `are required with provider ${provider.kind}, which reports no router metrics, unless prometheus-url is given: without a gate nothing could stop a bad canary`,
      shiftTrafficExamples.probes,
    );
}
