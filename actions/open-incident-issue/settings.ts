import { refuse } from '../../shared/core/schema-kit.js';
import * as z from 'zod/mini';
import { fingerprintOf, type IncidentFacts } from '../../shared/core/incident/incident.js';
import { rolloutReport } from '../../shared/core/incident/rollout-evidence.js';
import type { OpenPolicy } from '../../shared/engine/incidents.js';
import type { Clock } from '../../shared/adapters/clock.js';
import { duration, listInput, wholeNumber } from '../../shared/core/schema-kit.js';
import { optionalInput, type InputExamples } from '../../shared/core/schema-kit.js';
import { chatExamples, chatInputs } from '../../shared/core/notify/webhook-input.js';

/** A JSON output of another step, passed on as it is. */
const jsonInput = <T extends z.ZodMiniType>(inner: T, what: string) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          refuse(ctx, [], `is not JSON (pass ${what} as it is)`);
          return z.NEVER;
        }
      }),
    ),
    inner,
  );

const report = jsonInput(
  z.object({
    healthy: z.boolean({ message: 'must have healthy: true or false' }),
    checkedAt: z.optional(z.string()),
    probes: z.array(
      z.object({
        name: z.string(),
        url: z.optional(z.string()),
        healthy: z.boolean(),
        status: z.optional(z.number()),
        reason: z.optional(z.string()),
        latencyMs: z.optional(z.object({ p95: z.optional(z.number()) })),
      }),
    ),
  }),
  "healthcheck's report output",
);

/**
 * Text from a failure (a reason, a log tail) can be long: it is shortened with a
 * note, never a reason for the incident not to open (limits in the README).
 */
const shortened = (max: number) =>
  z.pipe(
    z.string(),
    z.transform((t) => (t.length > max ? `${t.slice(0, max)}… (${t.length - max} more characters cut)` : t)),
  );

/**
 * A service, environment or kind names the incident, and comes from a report, an
 * event or a person: never a reason for the incident not to open. Anything but
 * letters, digits, dot, dash, underscore and space (a line break, a pipe, `${{ }}`)
 * becomes one dash, the same way every time, so the incident keeps one identity.
 */
const name = z.pipe(
  z.string().check(z.trim()).check(z.minLength(1, 'is required')),
  z.transform(
    (t) =>
      t
        // Invisible characters go (a zero-width space in a·pi leaves api: one
        // incident); the rest, with the spaces around them, become one dash.
        .replace(/\p{Cf}+/gu, '')
        .replace(/\s*[^\p{L}\p{N}_.\- ]+\s*/gu, '-')
        .replace(/ {2,}/g, ' ')
        .replace(/^[- ]+|[- ]+$/g, '')
        .slice(0, 100) || '-',
  ),
);

export const incidentInputs = z
  .object({
    /** open: create or update; resolve: comment and close; auto: decided by report.healthy. */
    mode: z.enum(['open', 'resolve', 'auto'], { message: 'must be open, resolve or auto' }),
    service: name,
    environment: name,
    /** What kind of failure: healthcheck, rollout, rollback … */
    kind: name,
    /** Overrides service/environment/kind as the incident's identity. */
    fingerprint: optionalInput(
      z
        .string()
        .check(z.trim())
        .check(z.regex(/^[a-z0-9._/-]{1,100}$/, 'must be lower-case letters, digits, . _ - and /')),
    ),
    severity: z.enum(['P0', 'P1', 'P2', 'P3'], { message: 'must be P0, P1, P2 or P3' }),
    title: z.pipe(
      z.pipe(
        z.string(),
        z.transform((t) => t.replace(/\s+/g, ' ').trim()),
      ),
      shortened(200),
    ),
    impact: shortened(5000),
    rollback: shortened(2000),
    /** healthcheck's report output. */
    report: optionalInput(report),
    /** shift-traffic's report output, when a stopped rollout opens the incident. */
    // Evidence, never a reason not to open: a report this version cannot read is left out.
    'rollout-report': optionalInput(
      z.catch(z.optional(jsonInput(rolloutReport, "shift-traffic's report output")), undefined),
    ),
    labels: listInput(
      z
        .array(
          z
            .string()
            .check(z.maxLength(50, 'must have labels of at most 50 characters'))
            .check(
              z.regex(
                /^[^\p{Cc}\p{Cf}]+$/u,
                'must have labels without line breaks, control or invisible characters',
              ),
            ),
        )
        .check(z.minLength(1, 'must name at least one label')),
    ),
    assignees: listInput(
      z.array(
        z
          .string()
          .check(z.regex(/^[A-Za-z0-9-]{1,39}$/, 'must be GitHub logins, one per line or comma-separated')),
      ),
    ),
    // Lands in the issue body: only a plain http(s) address, nothing that could ping or script.
    'runbook-url': optionalInput(
      z
        .string()
        .check(z.trim())
        .check(
          z.regex(/^https?:\/\/[^\s<>"'`@]+$/i, 'must be an http(s) URL without spaces, quotes, <> or @'),
        ),
    ),
    /** Failed checks in a row (this run and the workflow's previous runs) before an incident opens. */
    'open-after': wholeNumber(1, 100),
    /** A recurring failure comments at most once per interval (the runbooks update every 30 minutes). */
    'update-interval': duration(),
    /** Empty with record-dir: the incident lives in the record file alone (rehearsals, no GitHub). */
    'github-token': z.string().check(z.trim()),
    /** A markdown file in the repository with {{placeholders}} for the issue body. */
    template: optionalInput(z.string().check(z.trim())),
    /** Where to write a markdown incident record for a later commit step. */
    'record-dir': optionalInput(z.string().check(z.trim())),
    /** Another repository (owner/name) the incidents live in, a central ops one. */
    'issue-repository': optionalInput(
      z
        .string()
        .check(z.trim())
        .check(
          z.regex(
            /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/,
            'must be a repository as owner/name',
          ),
        ),
    ),
    ...chatInputs,
  })
  .check(
    z.superRefine((s, ctx) => {
      if (s.mode === 'auto' && !s.report) refuse(ctx, 'report', 'is required with mode: auto');
      if (!s['github-token'] && !s['record-dir'])
        refuse(
          ctx,
          'github-token',
          'is required (the default is github.token); leave it empty only with record-dir, to keep incidents in files',
        );
    }),
  );

export type IncidentSettings = z.output<typeof incidentInputs>;

/** mode: auto follows the report: healthy resolves, unhealthy opens. */
export function incidentModeOf(settings: IncidentSettings): 'open' | 'resolve' {
  if (settings.mode !== 'auto') return settings.mode;
  return settings.report?.healthy ? 'resolve' : 'open';
}

/** The incident as this run sees it, from the inputs, the run's address and the time. */
export function incidentFactsOf(settings: IncidentSettings, runUrl: string, at: Date): IncidentFacts {
  return {
    fingerprint: settings.fingerprint ?? fingerprintOf(settings.service, settings.environment, settings.kind),
    service: settings.service,
    environment: settings.environment,
    kind: settings.kind,
    severity: settings.severity,
    ...(settings.title && { title: settings.title }),
    ...(settings.impact.trim() && { impact: settings.impact }),
    ...(settings.rollback.trim() && { rollback: settings.rollback }),
    ...(settings.report && { report: settings.report }),
    ...(settings['rollout-report'] && { rollout: settings['rollout-report'] }),
    runUrl,
    ...(settings['runbook-url'] && { runbookUrl: settings['runbook-url'] }),
    at,
  };
}

/** How an incident opens: its labels and assignees, the update cadence, open-after, the body template. */
export function openPolicyOf(
  settings: IncidentSettings,
  template: string | undefined,
  streak: () => Promise<number>,
  clock: Clock,
): OpenPolicy {
  return {
    clock,
    label: settings.labels[0] as string,
    labels: settings.labels,
    assignees: settings.assignees,
    updateIntervalMs: settings['update-interval'],
    openAfter: settings['open-after'],
    template,
    streak,
  };
}

export const incidentExamples: InputExamples<typeof incidentInputs> = {
  mode: 'mode: open',
  service: 'service: machinemate-api',
  environment: 'environment: production',
  kind: 'kind: healthcheck',
  fingerprint: 'fingerprint: api/production/healthcheck',
  severity: 'severity: P1',
  title: 'title: "[P1] API health checks failing"',
  impact: 'impact: checkout unavailable for about 20% of users',
  rollback: 'rollback: traffic back on api-00041-abc',
  report: 'report: ${{ steps.health.outputs.report }}',
  'rollout-report': 'rollout-report: ${{ steps.shift.outputs.report }}',
  labels: 'labels: incident',
  assignees: 'assignees: octocat',
  'runbook-url': 'runbook-url: https://github.com/acme/shop/blob/main/docs/runbook.md',
  'open-after': 'open-after: 2',
  'update-interval': 'update-interval: 30m',
  'github-token': 'github-token: ${{ github.token }}',
  template: 'template: .github/incident-template.md',
  'record-dir': 'record-dir: docs/operations/incidents',
  'issue-repository': 'issue-repository: acme/ops-incidents',
  ...chatExamples,
};
