/**
 * EAS Update rollouts, read and decided without I/O. A branch's newest update group
 * serves every device unless it is a rollout below 100 %: then it serves its share
 * and the group before it (its control) the rest. eas-cli 24.8.0 prints a branch's
 * groups with `update:list --branch B --json` (update/queries.js
 * renderUpdateGroupsOnBranch) and a group's launches with `update:insights G --json`
 * (update/insights/formatInsights.js). A rollout's percentage only rises
 * (`update:edit`); going back means reverting it (`update:revert-update-rollout`),
 * which deletes the rollout group and republishes its control under a new group id.
 * Every copy we publish therefore names its source in its message, and a group is
 * known by that source when the step names the source.
 */
import type { RouterCounts } from './gates.js';
import { normalizeSplit, type Split } from './split.js';

export interface BranchGroup {
  /** The group's id on this branch. */
  group: string;
  runtimeVersion: string;
  /** Below 100: a rollout in progress. Absent: not a rollout. */
  rollout?: number;
  /** The group whose copy this is, when we published it. */
  source?: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const UPDATE_GROUP = new RegExp(`^${UUID}$`, 'i');
const SOURCE = new RegExp(`release-actions: (?:rollout of|rollback to|release of) (${UUID})`, 'i');

/** The messages our copies carry: the source is read back from them. */
export const copyMessage = {
  rollout: (source: string) => `release-actions: rollout of ${source}`,
  release: (source: string) => `release-actions: release of ${source}`,
  rollback: (source: string) => `release-actions: rollback to ${source}`,
};

/** `eas update:list --branch B --json`: the branch's groups, newest first. */
export function parseBranchGroups(stdout: string): BranchGroup[] {
  const doc = JSON.parse(stdout) as { currentPage?: unknown };
  if (!Array.isArray(doc.currentPage)) throw new SyntaxError('no currentPage in update:list output');
  return doc.currentPage.map((entry: Record<string, unknown>) => {
    const group = entry['group'];
    const runtimeVersion = entry['runtimeVersion'];
    if (typeof group !== 'string' || typeof runtimeVersion !== 'string')
      throw new SyntaxError('an update group without group or runtimeVersion');
    const rollout = entry['rolloutPercentage'];
    if (
      rollout !== undefined &&
      !(Number.isInteger(rollout) && (rollout as number) >= 0 && (rollout as number) <= 100)
    )
      throw new SyntaxError(`a rollout percentage of ${JSON.stringify(rollout)}`);
    const source = SOURCE.exec(String(entry['message'] ?? ''))?.[1]?.toLowerCase();
    return {
      group,
      runtimeVersion,
      ...(typeof rollout === 'number' && { rollout }),
      ...(source && { source }),
    };
  });
}

/** Who serves the branch: the newest group, and while it rolls out, its control. */
export interface BranchState {
  newest?: BranchGroup;
  /** The group before the newest one on the same runtime: a rollout's control. */
  control?: BranchGroup;
  rolling: boolean;
}

export function branchState(groups: readonly BranchGroup[]): BranchState {
  const newest = groups[0];
  if (!newest) return { rolling: false };
  const control = groups.slice(1).find((g) => g.runtimeVersion === newest.runtimeVersion);
  const rolling = newest.rollout !== undefined && newest.rollout < 100;
  return { newest, ...(control && { control }), rolling };
}

/** A group is known by the name the step gave: its own id, or the source it is a copy of. */
export function nameOf(group: BranchGroup, revisions: readonly string[]): string {
  const known = (id: string) => revisions.find((r) => r.toLowerCase() === id.toLowerCase());
  return known(group.group) ?? (group.source && known(group.source)) ?? group.source ?? group.group;
}

export function branchSplit(state: BranchState, revisions: readonly string[]): Split {
  const { newest, control, rolling } = state;
  if (!newest) return {};
  if (!rolling) return { [nameOf(newest, revisions)]: 100 };
  const percent = newest.rollout as number;
  return normalizeSplit({
    [nameOf(newest, revisions)]: percent,
    ...(control && { [nameOf(control, revisions)]: 100 - percent }),
  });
}

export type RolloutMove =
  | { kind: 'none' }
  /** Republish `group` onto the branch as a rollout at `percent` (100: a plain republish). */
  | { kind: 'start'; group: string; percent: number }
  | { kind: 'raise'; group: string; percent: number }
  /** Delete the rollout group and republish its control. */
  | { kind: 'revert'; group: string; control: string }
  /** Republish `group` onto the branch for every device. */
  | { kind: 'republish'; group: string }
  | { kind: 'refuse'; why: string };

/**
 * The one CLI move from what the branch serves to `target` (in the step's names).
 * A lower share for a rolling group is refused: EAS only raises one, and a revert
 * takes it to none.
 */
export function moveTo(state: BranchState, target: Split, revisions: readonly string[]): RolloutMove {
  const wanted = Object.entries(normalizeSplit(target)).filter(([, p]) => p > 0);
  const now = branchSplit(state, revisions);
  const same = wanted.length === Object.keys(now).length && wanted.every(([name, p]) => now[name] === p);
  if (same) return { kind: 'none' };
  const { newest, control, rolling } = state;
  const newestName = newest && nameOf(newest, revisions);
  const controlName = control && nameOf(control, revisions);

  if (wanted.length === 1) {
    const [only] = wanted[0]!;
    if (rolling && only === newestName) return { kind: 'raise', group: newest!.group, percent: 100 };
    if (rolling && only === controlName) return { kind: 'revert', group: newest!.group, control: only };
    if (rolling)
      return {
        kind: 'refuse',
        why: `a rollout of ${newestName} is in progress: end it before releasing ${only}`,
      };
    return { kind: 'republish', group: only };
  }
  if (wanted.length !== 2) return { kind: 'refuse', why: 'an EAS branch serves at most two update groups' };
  const [[a, pa], [b, pb]] = wanted as [[string, number], [string, number]];
  if (rolling) {
    const percent = a === newestName ? pa : b === newestName ? pb : undefined;
    const other = a === newestName ? b : a;
    if (percent === undefined || other !== controlName)
      return {
        kind: 'refuse',
        why: `a rollout of ${newestName} over ${controlName ?? 'no earlier group'} is in progress; it cannot become ${describe(wanted)}`,
      };
    if (percent < (newest!.rollout as number))
      return {
        kind: 'refuse',
        why: `the rollout of ${newestName} is at ${newest!.rollout}%; EAS only raises a rollout's percentage (revert it to go back)`,
      };
    return { kind: 'raise', group: newest!.group, percent };
  }
  // Nothing rolls out: the group serving the branch becomes the control of a new rollout.
  const canary = a === newestName ? b : b === newestName ? a : undefined;
  if (!canary)
    return {
      kind: 'refuse',
      why: `a rollout starts over the group the branch serves (${newestName ?? 'none'}); ${describe(wanted)} does not include it`,
    };
  return { kind: 'start', group: canary, percent: canary === a ? pa : pb };
}

const describe = (entries: readonly [string, number][]) => entries.map(([n, p]) => `${n} ${p}%`).join(', ');

/**
 * `eas update:insights G --json`: launches and crashes over every platform, as a
 * router's request and error counters: launches that failed before their first
 * render are the errors (crashes after it are not in these counts).
 */
export function parseInsights(stdout: string): RouterCounts {
  const doc = JSON.parse(stdout) as { platforms?: unknown };
  if (!Array.isArray(doc.platforms)) throw new SyntaxError('no platforms in update:insights output');
  let launches = 0;
  let crashes = 0;
  for (const p of doc.platforms as { totals?: { installs?: unknown; failedInstalls?: unknown } }[]) {
    const installs = Number(p.totals?.installs);
    const failed = Number(p.totals?.failedInstalls);
    if (!(installs >= 0) || !(failed >= 0) || !Number.isFinite(installs + failed))
      throw new SyntaxError('a platform without counts of installs and failedInstalls');
    launches += installs + failed;
    crashes += failed;
  }
  return { requests: launches, errors5xx: crashes };
}
