/**
 * One incident, one issue. Pure: the fingerprint that identifies an incident, the
 * hidden marker that carries it in the issue body, the body and comments, and the
 * decisions (create, update, leave alone, close duplicates, resolve).
 */
import type { ActionResult } from '../action-result.js';
import { formatDuration } from '../duration.js';
import { escapeCell, table } from '../markdown.js';
import { titleText, withoutBidi } from '../plain-text.js';
import {
  outcomeWords,
  rolloutFailure,
  rolloutImpact,
  rolloutTimeline,
  type RolloutEvidence,
} from './rollout-evidence.js';

export const SEVERITIES = {
  P0: {
    name: 'Critical',
    means:
      'service completely down, data breach or security incident, payment processing failure, or more than 50 % of users affected',
  },
  P1: {
    name: 'High',
    means:
      'partial degradation, performance issues affecting more than 20 % of users, a critical feature broken, or payment issues for a subset of users',
  },
  P2: {
    name: 'Medium',
    means:
      'minor feature issues, performance degradation affecting less than 20 % of users, non-critical bugs',
  },
  P3: { name: 'Low', means: 'cosmetic issues, minor bugs with workarounds, documentation issues' },
} as const;
export type Severity = keyof typeof SEVERITIES;

export function fingerprintOf(service: string, environment: string, kind: string): string {
  const part = (s: string) =>
    s
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-');
  return `${part(service)}/${part(environment)}/${part(kind)}`;
}

// Where we put it: the first line of the body. A marker quoted anywhere else is text.
const MARKER = /^<!-- release-actions incident: ([^\s]+) -->/;
export const markerFor = (fingerprint: string) => `<!-- release-actions incident: ${fingerprint} -->`;
export const fingerprintIn = (body: string | null | undefined) => MARKER.exec(body ?? '')?.[1];

/**
 * Text we did not write (response bodies, error messages) made inert in a fenced
 * block, where GitHub neither links nor notifies (URLs stay copyable as written);
 * the fence is longer than any backtick run inside, and the text is capped.
 */
export function untrusted(text: string, max = 1500): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
  const inert = withoutBidi(cut).replace(/\r/g, '');
  const longest = Math.max(2, ...[...inert.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${inert}\n${fence}`;
}

/** What healthcheck's `report` output says, as far as an incident needs it. */
export interface ProbeReport {
  healthy: boolean;
  checkedAt?: string;
  probes: {
    name: string;
    url?: string;
    healthy: boolean;
    status?: number;
    reason?: string;
    latencyMs?: { p95?: number };
  }[];
}

/** An earlier incident with the same fingerprint, already resolved. */
export interface ResolvedIncident {
  number: number;
  resolvedAt: Date;
}

export interface IncidentFacts {
  fingerprint: string;
  service: string;
  environment: string;
  kind: string;
  severity: Severity;
  title?: string;
  impact?: string;
  rollback?: string;
  report?: ProbeReport;
  runUrl: string;
  runbookUrl?: string;
  at: Date;
  /** The last incident with this fingerprint, so a recurrence is seen as one. */
  previous?: ResolvedIncident;
  /** shift-traffic's report, when a stopped rollout opened the incident. */
  rollout?: RolloutEvidence;
}

export function incidentTitle(f: IncidentFacts): string {
  return titleText(f.title ?? `[${f.severity}] ${f.service} (${f.environment}): ${f.kind} failing`);
}

function failedProbes(report: ProbeReport | undefined): string {
  const down = report?.probes.filter((p) => !p.healthy) ?? [];
  if (down.length === 0) return '_No probe report was given._';
  const rows = down.map((p) => [
    escapeCell(p.name),
    escapeCell(p.url ?? ''),
    p.status === undefined ? '–' : String(p.status),
    p.latencyMs?.p95 === undefined ? '–' : `${Math.round(p.latencyMs.p95)} ms`,
  ]);
  const reasons = down.map((p) => `${p.name}: ${p.reason ?? 'down'}`).join('\n');
  return `${table(['Probe', 'Request', 'Status', 'p95'], rows)}\n\nReasons, as reported:\n\n${untrusted(reasons)}`;
}

/** The issue body; a record file keeps its own timeline list instead of the table (`timeline: false`). */
export function incidentBody(f: IncidentFacts, options: { timeline?: boolean } = {}): string {
  const sev = SEVERITIES[f.severity];
  return [
    markerFor(f.fingerprint),
    `## ${f.severity} – ${sev.name}: ${escapeCell(f.service)} in ${escapeCell(f.environment)}`,
    '',
    `**Severity ${f.severity} (${sev.name})** means ${sev.means}. Acknowledge within 5 minutes, assess within 10 (runbook 004).`,
    '',
    ...(f.previous ? [`${previousLine(f.previous, f.at)}`, ''] : []),
    '### Impact',
    impactSection(f),
    '',
    '### What failed',
    ...(f.rollout ? [rolloutFailure(f.rollout), ''] : []),
    ...(f.report || !f.rollout ? [failedProbes(f.report), ''] : []),
    '### Rollback',
    f.rollback ? untrusted(f.rollback, 500) : '_No rollback recorded._',
    '',
    ...(options.timeline === false
      ? []
      : [
          '### Timeline',
          table(
            ['Time (UTC)', 'Event'],
            timeline(f).map(([at, event]) => [at.toISOString(), event]),
          ),
          '',
        ]),
    f.runbookUrl ? `Runbook: <${f.runbookUrl}>\n` : '',
    '### Communication (runbook 000)',
    communication(f),
    '',
    '### After the incident (runbooks 000, 003, 004)',
    '- [ ] Root cause identified and written down',
    '- [ ] Incident record committed under docs/operations/incidents/',
    '- [ ] Post-mortem within 48 hours for P0/P1',
    '- [ ] Follow-up issues filed for every action item',
    '- [ ] Monitoring and alerts adjusted so this is caught earlier',
    '',
  ].join('\n');
}

function impactSection(f: IncidentFacts): string {
  const measured = f.rollout && rolloutImpact(f.rollout);
  const parts = [
    ...(f.impact ? [untrusted(f.impact, 1000)] : []),
    ...(measured ? [`Measured at the router: ${escapeCell(measured)}`] : []),
  ];
  return parts.length
    ? parts.join('\n\n')
    : '_Not assessed yet: edit this section with the share of users affected._';
}

/** The incident's one timeline: the rollout's moments, if one opened it, then the detection. */
export function timeline(f: IncidentFacts): [Date, string][] {
  // detectedByIn reads "… by [this run](…)" back to know which run opened an issue.
  const opened = f.runUrl
    ? `Incident opened by [this run](${f.runUrl})`
    : 'Incident opened (no run to link: not on GitHub Actions)';
  const rows: [Date, string][] = [...(f.rollout ? rolloutTimeline(f.rollout) : []), [f.at, opened]];
  return rows.sort(([a], [b]) => a.getTime() - b.getTime());
}

function previousLine(previous: ResolvedIncident, now: Date): string {
  return `This happened before: #${previous.number}, resolved ${previous.resolvedAt.toISOString().slice(0, 10)} (${formatDuration(now.getTime() - previous.resolvedAt.getTime())} ago).`;
}

/**
 * One line of someone's text for the plain-text message: no line breaks, bounded,
 * and no mention that would ping when the message is pasted into a chat.
 */
function messageLine(text: string, max = 200): string {
  const line = withoutBidi(text).replace(/\s+/g, ' ').replace(/@/g, '@\u200b').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function issueLine(f: IncidentFacts, down: string[]): string {
  if (f.rollout)
    return messageLine(
      `rollout of ${f.rollout.canary ?? 'the canary'} ${outcomeWords(f.rollout)}${f.rollout.outcome.reason ? `: ${f.rollout.outcome.reason}` : ''}`,
    );
  return down.length ? messageLine(`${f.kind} failing: ${down.join(', ')}`) : '[brief description]';
}

function impactLine(f: IncidentFacts): string {
  const measured = f.rollout && rolloutImpact(f.rollout);
  if (f.impact?.trim()) return messageLine(f.impact);
  return measured ? messageLine(measured, 300) : '[% of users affected]';
}

/** Runbook 000's message for the #incidents channel, filled in from what is known. */
function communication(f: IncidentFacts): string {
  const down = f.report?.probes.filter((p) => !p.healthy).map((p) => p.name) ?? [];
  const lines = [
    `PRODUCTION INCIDENT – ${f.severity}`,
    `Component: ${messageLine(f.service)} (${messageLine(f.environment)})`,
    `Issue: ${issueLine(f, down)}`,
    `Impact: ${impactLine(f)}`,
    `Action: ${f.rollback ? 'rolled back' : '[rollback / hotfix / monitoring]'}`,
    'Status: In progress – next update in 30 minutes',
  ];
  // A fence longer than any run of backticks in the text, so the text cannot close it.
  const fence = '`'.repeat(
    Math.max(3, ...lines.map((l) => (l.match(/`+/g) ?? []).reduce((m, r) => Math.max(m, r.length + 1), 0))),
  );
  return [fence, ...lines, fence].join('\n');
}

export function recurrenceComment(f: IncidentFacts, since: Date): string {
  const down = f.report?.probes.filter((p) => !p.healthy).map((p) => p.name) ?? [];
  return [
    markerFor(f.fingerprint),
    `**Still failing** at ${f.at.toISOString()} ([run](${f.runUrl})), ${formatDuration(f.at.getTime() - since.getTime())} after it was opened.`,
    down.length ? `Down: ${down.map(escapeCell).join(', ')}` : '',
    f.rollback ? `Rollback: ${escapeCell(f.rollback)}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function resolutionComment(f: IncidentFacts, openedAt: Date): string {
  return [
    markerFor(f.fingerprint),
    `**Resolved** at ${f.at.toISOString()} ([run](${f.runUrl})) after ${formatDuration(f.at.getTime() - openedAt.getTime())}.`,
    '',
    'Next: the post-incident checklist above.',
  ].join('\n');
}

export interface OpenIncident {
  number: number;
  fingerprint: string;
  createdAt: Date;
  updatedAt: Date;
  /** The run that opened it, as its body records. */
  detectedBy?: string;
}

/** The run that opened an incident, from the "Incident opened by [this run](…)" line we write (earlier: "Detected by"). */
export const detectedByIn = (body: string | null | undefined) =>
  /(?:Detected|Incident opened) by \[this run\]\((\S+?)\)/.exec(body ?? '')?.[1];

export type OpenDecision =
  { kind: 'create' } | { kind: 'update'; issue: number } | { kind: 'nothing'; issue: number; reason: string };

/** The open incident to use is the lowest-numbered one with this fingerprint. */
export function incidentFor(open: readonly OpenIncident[], fingerprint: string): OpenIncident | undefined {
  return open.filter((i) => i.fingerprint === fingerprint).sort((a, b) => a.number - b.number)[0];
}

export function decideOpen(
  open: readonly OpenIncident[],
  fingerprint: string,
  now: Date,
  updateIntervalMs: number,
): OpenDecision {
  const existing = incidentFor(open, fingerprint);
  if (!existing) return { kind: 'create' };
  const quietFor = now.getTime() - existing.updatedAt.getTime();
  if (quietFor >= updateIntervalMs) return { kind: 'update', issue: existing.number };
  return {
    kind: 'nothing',
    issue: existing.number,
    reason: `#${existing.number} was updated ${formatDuration(quietFor)} ago; the next update is due after ${formatDuration(updateIntervalMs)}`,
  };
}

/** Every open incident with this fingerprint except the lowest-numbered one. */
export function duplicatesOf(open: readonly OpenIncident[], fingerprint: string): number[] {
  const keep = incidentFor(open, fingerprint);
  return open.filter((i) => i.fingerprint === fingerprint && i.number !== keep?.number).map((i) => i.number);
}

/** `2026-11-28-machinemate-api-production-healthcheck.md`, as the runbooks name incident files. */
export function recordFileName(f: IncidentFacts): string {
  return `${f.at.toISOString().slice(0, 10)}-${f.fingerprint.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.md`;
}

/**
 * The name, or the first `-2`, `-3`… variant no entry has: a second incident on the
 * same day keeps the first one's record, and a folder of that name is passed by.
 */
export function freeName(name: string, taken: readonly string[]): string {
  const used = new Set(taken);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = `${stem}-${n}${ext}`;
  return candidate;
}

export function incidentRecord(f: IncidentFacts, issueUrl: string, details?: string): string {
  return [
    markerFor(f.fingerprint),
    `# ${incidentTitle(f)}`,
    '',
    `- Severity: ${f.severity} (${SEVERITIES[f.severity].name})`,
    `- Service: ${f.service} (${f.environment})`,
    `- Issue: ${issueUrl || 'none (recorded in this file only)'}`,
    `- Detected: ${f.at.toISOString()} by ${f.runUrl}`,
    '',
    ...(details ? [details.replace(/^<!--.*-->\n/, '').trim(), ''] : []),
    '## Timeline',
    '',
    ...timeline(f).map(([at, event]) => `- ${at.toISOString()} ${event}`),
    '',
  ].join('\n');
}

/**
 * A custom body from the user's template: {{name}} placeholders, filled with values
 * that are already escaped or fenced. The marker always leads, so dedupe works.
 */
export function customBody(template: string, f: IncidentFacts): string {
  const values: Record<string, string> = {
    severity: f.severity,
    severity_name: SEVERITIES[f.severity].name,
    severity_definition: SEVERITIES[f.severity].means,
    service: escapeCell(f.service),
    environment: escapeCell(f.environment),
    kind: escapeCell(f.kind),
    impact: f.impact ? untrusted(f.impact, 1000) : '',
    rollback: f.rollback ? untrusted(f.rollback, 500) : '',
    failed_probes: failedProbes(f.report),
    run_url: f.runUrl,
    runbook_url: f.runbookUrl ?? '',
    detected_at: f.at.toISOString(),
    previous: f.previous ? previousLine(f.previous, f.at) : '',
  };
  // Own keys only: {{constructor}} is not a placeholder, and must not render Object's.
  const body = template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? (values[name] as string) : whole,
  );
  return `${markerFor(f.fingerprint)}\n${body}`;
}

/**
 * Whether this failure is the Nth in a row (runbook 001 opens after 2): the
 * conclusions of the workflow's previous runs, newest first, continue the streak
 * while they failed.
 */
export function failuresInARow(previousConclusions: readonly string[]): number {
  const streak = previousConclusions.findIndex((c) => c !== 'failure' && c !== 'timed_out');
  return 1 + (streak < 0 ? previousConclusions.length : streak);
}

/** `monitor.yml` from GITHUB_WORKFLOW_REF (`acme/shop/.github/workflows/monitor.yml@refs/heads/main`). */
export function workflowFileOf(workflowRef: string | undefined): string | undefined {
  return /\/\.github\/workflows\/([^/@]+)@/.exec(workflowRef ?? '')?.[1];
}

/** Whether a markdown incident record is still open: its timeline does not end resolved. */
export function recordIsOpen(record: string): boolean {
  const last = record.trimEnd().split('\n').at(-1) ?? '';
  return !/ resolved$/.test(last);
}

/** What open-incident-issue shows: outputs, a warning when it opened one, and the summary. */
export function incidentResult(
  f: IncidentFacts,
  outcome: {
    done: 'created' | 'updated' | 'resolved' | 'nothing';
    number?: number | undefined;
    note?: string | undefined;
  },
  where: { issueUrl: string; recordDir?: string | undefined },
): ActionResult {
  const { done, number, note = '' } = outcome;
  return {
    outputs: {
      'issue-number': number === undefined ? '' : String(number),
      'issue-url': where.issueUrl,
      action: done,
      fingerprint: f.fingerprint,
    },
    annotations:
      done === 'created'
        ? [
            {
              level: 'warning',
              message: where.issueUrl
                ? `Incident opened: ${where.issueUrl}`
                : `Incident recorded in ${where.recordDir}/`,
              properties: { title: incidentTitle(f) },
            },
          ]
        : [],
    summary: `## Incident ${escapeCell(f.fingerprint)}: ${done}\n\n${number === undefined ? escapeCell(note) : `Issue: ${where.issueUrl}`}${note && number !== undefined ? `\n\n${escapeCell(note)}` : ''}\n`,
  };
}
