/**
 * Vercel Rolling Releases, read and decided without I/O. The vercel CLI (58.10.0)
 * prints a release with `rolling-release fetch` (GET /v1/projects/:id/rolling-release,
 * shapes from @vercel/sdk 1.28 getrollingreleaseop) and a deployment with `inspect
 * --json`. A release moves only forward through stages fixed when it starts, so the
 * split a rollout asks for becomes one CLI move, or a refusal that says why.
 *
 * `rolling-release abort --dpl X` is POST /v9/projects/:id/rollback/X (58.10.0,
 * src/commands/rolling-release/abort-rolling-release.ts), and Vercel documents that
 * call as pointing production TO X ("the ID of the deployment to rollback *to*"):
 * an abort names stable, never the canary. An instant rollback may only return to a
 * deployment "previously aliased to a production domain" (docs/instant-rollback),
 * so a deployment that never served production is promoted instead.
 */
import { normalizeSplit, type Split } from './split.js';

export interface VercelDeployment {
  id: string;
  /** Its own address, without scheme, as Vercel gives it. */
  url: string;
  target: string | null;
  readyState: string;
}

export interface ReleaseStage {
  index: number;
  percent: number;
}

export interface RollingRelease {
  state: 'ACTIVE' | 'COMPLETE' | 'ABORTED';
  current?: VercelDeployment;
  canary?: VercelDeployment;
  active?: ReleaseStage;
  next?: ReleaseStage;
  /** The canary's share now (a paused linear shift may sit between stages). */
  canaryPercent: number;
}

const STATES = ['ACTIVE', 'COMPLETE', 'ABORTED'] as const;

/** The JSON `vercel rolling-release fetch` logs after "> " (null: no release yet). */
export function parseReleaseOutput(output: string): RollingRelease | null {
  // eslint-disable-next-line no-control-regex -- colour codes, should a terminal ask for them
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const start = /^> (\{|null\s*$)/m.exec(text);
  if (!start) throw new SyntaxError('no rolling release in its output');
  // The CLI prints the release with JSON.stringify(…, null, 2): it ends at the first "}" alone on a line.
  const rest = text.slice(start.index + 2);
  const end = start[1] === '{' ? /^\}[ \t]*$/m.exec(rest) : null;
  const doc = JSON.parse(end ? rest.slice(0, end.index + 1) : rest) as Record<string, unknown> | null;
  return doc === null ? null : releaseOf(doc);
}

function releaseOf(doc: Record<string, unknown>): RollingRelease {
  const state = doc['state'];
  if (!STATES.includes(state as RollingRelease['state']))
    throw new SyntaxError(`a rolling release in state ${JSON.stringify(state)}`);
  const active = stageOf(doc['activeStage']);
  const next = stageOf(doc['nextStage']);
  const current = deploymentOf(doc['currentDeployment']);
  const canary = deploymentOf(doc['canaryDeployment']);
  const percent = doc['currentCanaryPercentage'];
  return {
    state: state as RollingRelease['state'],
    ...(current && { current }),
    ...(canary && { canary }),
    ...(active && { active }),
    ...(next && { next }),
    canaryPercent: typeof percent === 'number' ? percent : (active?.percent ?? 0),
  };
}

function stageOf(value: unknown): ReleaseStage | undefined {
  const s = value as { index?: unknown; targetPercentage?: unknown } | null;
  return typeof s?.index === 'number' && typeof s.targetPercentage === 'number'
    ? { index: s.index, percent: s.targetPercentage }
    : undefined;
}

function deploymentOf(value: unknown): VercelDeployment | undefined {
  const d = value as Record<string, unknown> | null;
  if (typeof d?.['id'] !== 'string' || typeof d['url'] !== 'string') return undefined;
  return {
    id: d['id'],
    url: d['url'],
    target: typeof d['target'] === 'string' ? d['target'] : null,
    readyState: String(d['readyState'] ?? ''),
  };
}

/** `vercel inspect <id or url> --json`: the deployment, on stdout. */
export function parseInspectOutput(stdout: string): VercelDeployment {
  const d = deploymentOf(JSON.parse(stdout));
  if (!d) throw new SyntaxError('no deployment id and url in its output');
  return d;
}

/**
 * `vercel api /v13/deployments/<id> --raw`, the whole deployment (inspect --json
 * drops the field): whether it served production before, so a rollback may return
 * to it (isRollbackCandidate, @vercel/sdk getdeploymentop).
 */
export function parseRollbackCandidate(stdout: string): boolean {
  const d = JSON.parse(stdout) as { id?: unknown; isRollbackCandidate?: unknown };
  if (typeof d.id !== 'string') throw new SyntaxError('no deployment in its output');
  return d.isRollbackCandidate === true;
}

/** Which deployment the production domain serves, as far as the release knows. */
export function productionOf(release: RollingRelease): VercelDeployment | undefined {
  return release.state === 'COMPLETE' ? release.canary : release.current;
}

/** The traffic a release gives each deployment (by id). */
export function releaseSplit(release: RollingRelease): Split {
  const { current, canary } = release;
  if (release.state === 'ACTIVE' && current && canary)
    return normalizeSplit({ [current.id]: 100 - release.canaryPercent, [canary.id]: release.canaryPercent });
  const serving = productionOf(release);
  return serving ? { [serving.id]: 100 } : {};
}

export type ReleaseMove =
  | { kind: 'none' }
  | { kind: 'start'; canary: string; stages: number[] }
  | { kind: 'approve'; canary: string; stageIndex: number }
  | { kind: 'complete'; canary: string }
  | { kind: 'abort'; canary: string; to: string }
  | { kind: 'rollback'; to: string }
  | { kind: 'promote'; to: string }
  | { kind: 'refuse'; why: string };

export interface MoveContext {
  /** The rollout's weights: they become the stages of a new release. */
  planned: readonly number[];
  /** The deployment the rollout releases, when it names one. */
  canary?: string;
  /** Who serves production when no release says so. */
  production?: string;
  /**
   * Whether the one deployment an all-on move goes to has served production before
   * (its isRollbackCandidate): only then can an instant rollback return to it.
   */
  servedProduction?: boolean;
}

/**
 * The one CLI move that takes the project from `release` to `target` (deployment id
 * → percent), or why none can.
 */
export function moveTo(release: RollingRelease | null, target: Split, context: MoveContext): ReleaseMove {
  const entries = Object.entries(target).filter(([, p]) => p > 0);
  const active = release?.state === 'ACTIVE' ? release : undefined;
  const serving = release ? productionOf(release)?.id : context.production;
  if (entries.length === 1) return allOnMove(entries[0]![0], active, serving, context.servedProduction);
  const pair = pairOf(entries, context.canary);
  if (typeof pair === 'string') return { kind: 'refuse', why: pair };
  const [stable, canary, percent] = pair;
  if (!active)
    return !serving || stable === serving
      ? { kind: 'start', canary, stages: stagesFrom(percent, context.planned) }
      : {
          kind: 'refuse',
          why: `${stable} does not serve production now, so a release cannot keep it as stable`,
        };
  if (active.canary?.id !== canary || active.current?.id !== stable)
    return {
      kind: 'refuse',
      why: `a rolling release of ${active.canary?.id ?? 'another deployment'} over ${active.current?.id ?? '?'} is in progress; it must end (complete or abort) before ${canary} can be released`,
    };
  if (active.canaryPercent === percent) return { kind: 'none' };
  if (active.next?.percent === percent && active.active)
    return { kind: 'approve', canary, stageIndex: active.active.index };
  return {
    kind: 'refuse',
    why: `the rolling release of ${canary} is at ${active.canaryPercent}% and its next stage is ${active.next ? `${active.next.percent}%` : 'the last'}; Vercel fixes the stages when a release starts, so it cannot go to ${percent}%`,
  };
}

function allOnMove(
  revision: string,
  active: RollingRelease | undefined,
  serving: string | undefined,
  servedProduction: boolean | undefined,
): ReleaseMove {
  if (active) {
    if (revision === active.current?.id) return { kind: 'abort', canary: active.canary!.id, to: revision };
    if (revision === active.canary?.id) return { kind: 'complete', canary: revision };
    return {
      kind: 'refuse',
      why: `a rolling release of ${active.canary?.id ?? '?'} is in progress; ${revision} is neither its stable nor its canary`,
    };
  }
  if (revision === serving) return { kind: 'none' };
  return servedProduction ? { kind: 'rollback', to: revision } : { kind: 'promote', to: revision };
}

/** The deployment a split gives all its traffic to, if it gives it all to one. */
export function soleDeployment(split: Split): string | undefined {
  const serving = Object.entries(split).filter(([, p]) => p > 0);
  return serving.length === 1 ? serving[0]![0] : undefined;
}

function pairOf(
  entries: [string, number][],
  named: string | undefined,
): [stable: string, canary: string, percent: number] | string {
  if (entries.length !== 2) return 'a Vercel rolling release splits traffic between exactly two deployments';
  const [[a, pa], [b, pb]] = entries as [[string, number], [string, number]];
  if (named === a) return [b, a, pa];
  if (named === b || pb < pa) return [a, b, pb];
  if (pa < pb) return [b, a, pa];
  return 'at 50/50 the canary must be named (canary-revision)';
}

/** A new release's stages: the first weight, then the planned ones above it (Vercel adds 100). */
export function stagesFrom(first: number, planned: readonly number[]): number[] {
  return [first, ...planned.filter((w) => w > first && w < 100)].filter((w, i, all) => all.indexOf(w) === i);
}
