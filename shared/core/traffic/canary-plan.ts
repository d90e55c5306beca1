/**
 * What deploy-canary decides: whether the router's split allows a new canary,
 * which revision stays stable, the split once its probes have spoken, and what
 * the step then shows.
 */
import type { ActionResult } from '../action-result.js';
import { OperationalError } from '../errors.js';
import { escapeCell } from '../markdown.js';
import type { RevisionProbeVerdict } from './revision-probes.js';
import { canarySplit, describeSplit, normalizeSplit, percentOf, type Split } from './split.js';

/**
 * The stable revision to put the canary next to. Refuses a split that a new canary
 * would disturb: the named canary already serving, or a rollout in progress.
 */
export function stableFor(
  before: Split,
  wanted: { canary?: string | undefined; stable?: string | undefined },
): string {
  const named = wanted.canary;
  if (named && percentOf(before, named) > 0) {
    throw new OperationalError(
      `${named} serves ${percentOf(before, named)}% of traffic (${describeSplit(before)}); deploying over it would change what users get. Roll back or finish that rollout first.`,
    );
  }
  const serving = Object.entries(normalizeSplit(before)).sort(([, a], [, b]) => b - a);
  if (serving.length > 1) {
    throw new OperationalError(
      `traffic is split ${describeSplit(before)}: a rollout is in progress. Let it finish or roll it back before deploying another canary.`,
    );
  }
  const stable = wanted.stable ?? serving[0]?.[0];
  if (!stable) {
    throw new OperationalError(
      `no revision serves traffic now (${describeSplit(before)}); there is no stable revision to put a canary next to`,
    );
  }
  return stable;
}

/** The split to set after deploying: the initial share only once the probes passed. */
export function splitAfterDeploy(
  before: Split,
  names: { stable: string; canary: string },
  initialPercent: number,
  probes: RevisionProbeVerdict,
): Split {
  if (probes.kind === 'failed' || initialPercent === 0) return before;
  return canarySplit(names.stable, names.canary, initialPercent);
}

export function canaryResult(canary: {
  name: string;
  stable: string;
  url?: string | undefined;
  split: Split;
  probes: RevisionProbeVerdict;
}): ActionResult {
  const failure =
    canary.probes.kind === 'failed'
      ? `${canary.name} failed its probes before any traffic reached it: ${canary.probes.down.join(', ')}; it still has no traffic`
      : undefined;
  return {
    outputs: {
      'canary-revision': canary.name,
      'stable-revision': canary.stable,
      'canary-url': canary.url ?? '',
      split: JSON.stringify(canary.split),
    },
    annotations: [],
    summary: [
      `## ${failure ? '❌' : '🐤'} Canary ${escapeCell(canary.name)} next to ${escapeCell(canary.stable)}`,
      '',
      `- Canary address: ${escapeCell(canary.url ?? '–')}`,
      `- Probes before traffic: ${canary.probes.kind === 'none' ? 'none given' : canary.probes.kind}`,
      `- Traffic: **${escapeCell(describeSplit(canary.split))}**`,
      '',
    ].join('\n'),
    ...(failure && { failure }),
  };
}
