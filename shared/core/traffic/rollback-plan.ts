/**
 * Where a rollback puts the traffic. Pure: from the split the router reports, the
 * target revision and the share it should get back.
 */
import type { ActionResult } from '../action-result.js';
import { OperationalError } from '../errors.js';
import { escapeCell } from '../markdown.js';
import type { RevisionProbeVerdict } from './revision-probes.js';
import { allOn, describeSplit, normalizeSplit, percentOf, sameSplit, type Split } from './split.js';

export type RollbackPlan =
  | { kind: 'nothing-to-do'; split: Split; message: string }
  | { kind: 'move'; from: Split; to: Split; message: string };

export function planRollback(current: Split, target: string, percent: number): RollbackPlan {
  if (percent === 100) {
    const to = allOn(target);
    if (sameSplit(current, to))
      return {
        kind: 'nothing-to-do',
        split: current,
        message: `${target} already has all traffic; nothing to do`,
      };
    return {
      kind: 'move',
      from: current,
      to,
      message: `all traffic back to ${target} (was ${describeSplit(current)})`,
    };
  }
  // A partial rollback leaves the rest on whichever other revision has the most now.
  const others = Object.entries(normalizeSplit(current))
    .filter(([r]) => r !== target)
    .sort(([, a], [, b]) => b - a);
  const keep = others[0]?.[0];
  if (!keep)
    return {
      kind: 'nothing-to-do',
      split: current,
      message: `${target} already has all traffic; nothing to do`,
    };
  const to = normalizeSplit({ [target]: percent, [keep]: 100 - percent });
  if (sameSplit(current, to) || percentOf(current, target) >= percent) {
    return {
      kind: 'nothing-to-do',
      split: current,
      message: `${target} already has ${percentOf(current, target)}%; nothing to do`,
    };
  }
  return { kind: 'move', from: current, to, message: `${describeSplit(to)} (was ${describeSplit(current)})` };
}

/**
 * "The previous revision" when none is named. During a split (a canary mid-rollout)
 * it is the stable revision: the oldest of those serving. Otherwise it is the newest
 * revision older than the one serving all traffic, passing over those in `unfit`
 * (never Ready, or rolled back before). Needs revisions in creation order, newest first.
 */
export function previousRevision(
  current: Split,
  newestFirst: readonly string[],
  unfit: ReadonlySet<string> = new Set(),
): string | undefined {
  const serving = Object.entries(normalizeSplit(current))
    .filter(([, percent]) => percent > 0)
    .map(([revision]) => revision);
  if (serving.length === 0) return undefined;
  if (serving.length > 1) {
    const byAge = serving
      .filter((r) => newestFirst.includes(r))
      .sort((a, b) => newestFirst.indexOf(b) - newestFirst.indexOf(a));
    return byAge[0];
  }
  const at = newestFirst.indexOf(serving[0] as string);
  return at >= 0 ? newestFirst.slice(at + 1).find((r) => !unfit.has(r)) : undefined;
}

/**
 * The revision to return to when none is named: the previous one, passing over
 * revisions that never became Ready and those the history shows rolled back.
 */
export function rollbackTarget(
  current: Split,
  listed: readonly { name: string; ready?: boolean | undefined }[],
  rolledBack: Iterable<string>,
): string {
  const unfit = new Set([...listed.filter((r) => r.ready === false).map((r) => r.name), ...rolledBack]);
  const target = previousRevision(
    current,
    listed.map((r) => r.name),
    unfit,
  );
  if (!target)
    throw new OperationalError(
      `cannot tell the previous revision: ${describeSplit(current)} serves now, and no older revision is listed. Name one in to-revision.`,
    );
  return target;
}

/** The deployment status text for the revision a rollback put back. */
export function rollbackRecordText(target: string, sha: string | undefined, reason: string): string {
  return `rolled back to ${target}${sha ? '' : ' (its commit is not on record)'}: ${reason || 'no reason given'}`;
}

const VERIFIED: Record<RevisionProbeVerdict['kind'], string> = {
  none: 'skipped',
  passed: 'true',
  failed: 'false',
};

/** What the rollback step shows: outputs, a warning annotation when traffic moved, summary, failure. */
export function rollbackResult(done: {
  plan: RollbackPlan;
  target: string;
  current: Split;
  reason: string;
  /** The target's probes, once traffic is on it. */
  probes: RevisionProbeVerdict;
}): ActionResult {
  const { plan, target, current, probes } = done;
  const reason = done.reason || 'not given';
  const moved = plan.kind === 'move';
  const split = moved ? plan.to : plan.split;
  const verified = VERIFIED[probes.kind];
  return {
    outputs: {
      outcome: moved ? 'rolled-back' : 'nothing-to-do',
      split: JSON.stringify(split),
      'split-text': describeSplit(split),
      'previous-split': JSON.stringify(current),
      verified,
    },
    annotations: moved
      ? [
          {
            level: 'warning',
            message: `${plan.message}. Reason: ${reason}`,
            properties: { title: `Rolled back to ${target}` },
          },
        ]
      : [],
    summary: [
      `## ⏪ Rollback to ${escapeCell(target)}: ${moved ? 'done' : 'nothing to do'}`,
      '',
      `- Before: ${escapeCell(describeSplit(current))}`,
      `- After: **${escapeCell(describeSplit(split))}**`,
      `- Reason: ${escapeCell(reason)}`,
      `- Verified by probes: ${verified}`,
      '',
    ].join('\n'),
    ...(probes.kind === 'failed' && {
      failure: `Traffic is on ${describeSplit(split)}, but ${target} fails its probes: ${probes.down.join(', ')}`,
    }),
  };
}
