/** What soak-gate shows for a verdict: outputs, a notice while waiting, the summary, and when it fails the step. */
import type { ActionResult } from './action-result.js';
import { escapeCell, table } from './markdown.js';
import type { SoakEvidence, SoakVerdict } from './soak.js';

export interface SoakContext {
  environment: string;
  sha: string;
  checksWorkflow: string;
  /** A soak that is not over yet fails the step, so the release waits for a later run. */
  failWhileWaiting: boolean;
}

export function soakLine(verdict: SoakVerdict): string {
  return `${verdict.progress}${verdict.reason ? ` — ${verdict.reason}` : ''}`;
}

export function soakResult(context: SoakContext, evidence: SoakEvidence, verdict: SoakVerdict): ActionResult {
  const line = soakLine(verdict);
  const stop = verdict.status === 'failed' || (verdict.status === 'waiting' && context.failWhileWaiting);
  return {
    outputs: {
      status: verdict.status,
      progress: verdict.progress,
      'elapsed-seconds': String(Math.round(verdict.elapsedMs / 1000)),
      green: String(verdict.green),
      failed: String(verdict.failed),
    },
    annotations:
      verdict.status === 'waiting'
        ? [{ level: 'notice', message: line, properties: { title: 'Soak not over yet' } }]
        : [],
    summary: soakSummary(context, evidence, verdict),
    ...(stop && {
      failure: verdict.status === 'failed' ? `Soak failed: ${line}` : `Soak not over yet: ${line}`,
    }),
  };
}

function soakSummary(context: SoakContext, evidence: SoakEvidence, verdict: SoakVerdict): string {
  const failed = evidence.checks.filter((c) => !c.passed);
  const environment = escapeCell(context.environment);
  return [
    `## Soak of ${context.sha.slice(0, 7)} on ${environment}: ${verdict.status}`,
    '',
    `**${verdict.progress}**${verdict.reason ? ` — ${escapeCell(verdict.reason)}` : ''}`,
    '',
    table(
      ['Evidence', ''],
      [
        [`Live on ${environment} since`, evidence.liveSince?.toISOString() ?? 'never'],
        [
          `Runs of ${escapeCell(context.checksWorkflow)} since`,
          `${verdict.green} green, ${verdict.failed} failed`,
        ],
        ...failed.slice(0, 5).map((c) => ['Failed check', `${c.at.toISOString()} ${c.url}`]),
        ['Last check', evidence.checks.at(-1)?.at.toISOString() ?? 'none yet'],
      ],
    ),
    '',
  ].join('\n');
}
