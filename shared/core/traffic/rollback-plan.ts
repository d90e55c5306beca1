/**
 * Where a rollback puts the traffic. Pure: from the split the router reports, the
 * target revision and the share it should get back.
 */
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
