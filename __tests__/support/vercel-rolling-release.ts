/**
 * Vercel Rolling Releases for the local Vercel API (vercel-api.ts): the project's
 * release configuration and the one release it runs at a time, as the real `vercel
 * rolling-release` commands (58.10.0, src/commands/rolling-release) and `vercel api`
 * call them:
 *
 * - GET   /v1/projects/:idOrName/rolling-release/config   the configuration (or null)
 * - PATCH /v1/projects/:idOrName/rolling-release/config   configure {enabled, advancementType, stages}
 * - GET   /v1/projects/:idOrName/rolling-release          fetch
 * - POST  /v1/projects/:idOrName/rolling-release/start    start   {canaryDeploymentId}
 * - POST  /v1/projects/:idOrName/rolling-release/approve-stage  approve {activeStageIndex, nextStageIndex, canaryDeploymentId}
 * - POST  /v1/projects/:idOrName/rolling-release/complete complete {canaryDeploymentId}
 *
 * `rolling-release abort --dpl X` is POST /v9/projects/:id/rollback/X, an instant
 * rollback TO X (vercel-api.ts): it ends the release only as any rollback does.
 *
 * Shapes follow @vercel/sdk (models/getrollingreleaseop.ts: state ACTIVE | COMPLETE |
 * ABORTED, activeStage, nextStage, stages with index / isFinalStage / requireApproval,
 * currentDeployment, canaryDeployment; models/getrollingreleaseconfigop.ts: the
 * configuration is {target, stages: [{targetPercentage, requireApproval?, duration?,
 * linearShift?}], canaryResponseHeader?}, and the PATCH body is what the CLI and
 * terraform-provider-vercel (client/project_rolling_release.go) send: enabled,
 * advancementType, stages with durations only when automatic). The rules are the
 * REST reference's: a release starts only for a READY production deployment with
 * releases enabled; starting the canary already being released returns the release
 * unchanged; approve-stage needs the next index; once a release is complete or
 * aborted, approve and complete are refused; a configuration change "does not alter
 * a rollout that's already in-flight", but disabling resolves one with the default
 * disableRolloutAction, abort. Error bodies are Vercel's `{error: {code, message}}`;
 * the codes are ours where Vercel's are not published.
 */
import type { VercelDeployment } from './vercel-api.js';

interface Stage {
  index: number;
  targetPercentage: number;
  isFinalStage: boolean;
  requireApproval: boolean;
  duration: number | null;
}

/** As GET …/rolling-release/config answers it. */
export interface ReleaseConfig {
  target: 'production';
  stages: { targetPercentage: number; requireApproval?: boolean; duration?: number; linearShift?: boolean }[];
  canaryResponseHeader: boolean;
}

export interface RollingReleaseState {
  config: ReleaseConfig | null;
  release: Record<string, unknown> | null;
  /** Every release started, in order (canary ids). */
  started: string[];
}

type Reply = [status: number, body: unknown];
const refusal = (status: number, code: string, message: string): Reply => [
  status,
  { error: { code, message } },
];

export interface ReleaseContext {
  state: RollingReleaseState;
  find(idOrUrl: string): VercelDeployment | undefined;
  production(): string;
  /** Moves the production domain (a completed release). */
  setProduction(id: string): void;
  deploymentJson(d: VercelDeployment): Record<string, unknown>;
}

/** The reply to one rolling-release request, or undefined when the route is not one. */
export function rollingReleaseRoute(
  route: string,
  body: string,
  project: { id: string; name: string },
  context: ReleaseContext,
): Reply | undefined {
  const m = /^(GET|PATCH|POST) \/v1\/projects\/([^/]+)\/rolling-release(\/[a-z-]+)?$/.exec(route);
  if (!m || (m[2] !== project.id && m[2] !== project.name)) return undefined;
  const [, method, , sub = ''] = m;
  const input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
  const { state } = context;
  if (sub === '/config' && method === 'GET') return [200, { rollingRelease: state.config }];
  if (sub === '/config' && method === 'PATCH') return configure(input, state);
  if (sub === '' && method === 'GET') return [200, { rollingRelease: state.release }];
  if (sub === '/start' && method === 'POST') return start(String(input['canaryDeploymentId']), context);
  if (sub === '/approve-stage' && method === 'POST') return approve(input, context);
  if (sub === '/complete' && method === 'POST') return complete(String(input['canaryDeploymentId']), context);
  return undefined;
}

/** The release in progress, if any. */
export const activeRelease = (state: RollingReleaseState) =>
  state.release?.['state'] === 'ACTIVE' ? state.release : null;

/** How a rollback (or a disabled configuration) ends a release: no canary any more. */
export function abortRelease(release: Record<string, unknown>): void {
  Object.assign(release, { state: 'ABORTED', activeStage: null, nextStage: null, updatedAt: Date.now() });
}

function configure(input: Record<string, unknown>, state: RollingReleaseState): Reply {
  if (input['enabled'] !== true) {
    state.config = null;
    const active = activeRelease(state);
    if (active) abortRelease(active);
    return [200, { rollingRelease: null }];
  }
  const stages = input['stages'] as { targetPercentage: number; duration?: number; linearShift?: boolean }[];
  const type = input['advancementType'];
  if (type !== 'automatic' && type !== 'manual-approval')
    return refusal(400, 'bad_request', 'advancementType must be automatic or manual-approval');
  if (!Array.isArray(stages) || stages.length < 2 || stages.length > 10)
    return refusal(400, 'bad_request', 'stages must be 2 to 10 stages');
  if (stages.at(-1)?.targetPercentage !== 100)
    return refusal(400, 'bad_request', 'stages must end with a stage at 100%');
  for (let i = 1; i < stages.length; i++)
    if (stages[i]!.targetPercentage <= stages[i - 1]!.targetPercentage)
      return refusal(400, 'bad_request', 'stage percentages must increase');
  const last = stages.length - 1;
  for (const [i, s] of stages.entries()) {
    const timed = s.duration !== undefined;
    if (type === 'manual-approval' ? timed : timed === (i === last))
      return refusal(
        400,
        'bad_request',
        'automatic stages need a duration (all but the last); manual-approval stages take none',
      );
  }
  state.config = {
    target: 'production',
    stages: stages.map((s, i) => ({
      targetPercentage: s.targetPercentage,
      ...(type === 'manual-approval' && i < last && { requireApproval: true }),
      ...(s.duration !== undefined && { duration: s.duration }),
      ...(s.linearShift !== undefined && { linearShift: s.linearShift }),
    })),
    canaryResponseHeader: input['canaryResponseHeader'] === true,
  };
  return [200, { rollingRelease: state.config }];
}

function stagesOf(config: ReleaseConfig): Stage[] {
  return config.stages.map((s, index) => ({
    index,
    targetPercentage: s.targetPercentage,
    isFinalStage: index === config.stages.length - 1,
    requireApproval: s.requireApproval === true,
    duration: s.duration ?? null,
  }));
}

function start(canaryId: string, context: ReleaseContext): Reply {
  const canary = context.find(canaryId);
  if (!canary) return refusal(404, 'not_found', "Can't find the deployment");
  return startRelease(canary, context);
}

/** A release of `canary` with the project's configuration: `start`, or a promote with releases enabled. */
export function startRelease(canary: VercelDeployment, context: ReleaseContext): Reply {
  const { state } = context;
  if (!state.config) return refusal(400, 'rolling_release_disabled', 'Rolling releases are not enabled');
  const active = activeRelease(state);
  if (active) {
    if ((active['canaryDeployment'] as { id: string }).id === canary.id)
      return [200, { rollingRelease: active }];
    return refusal(409, 'rolling_release_active', 'A rolling release is already in progress');
  }
  if (canary.target !== 'production')
    return refusal(400, 'invalid_deployment', 'Only production deployments can be rolled out');
  if (canary.readyState !== 'READY') return refusal(400, 'invalid_deployment', 'The deployment is not ready');
  if (canary.id === context.production())
    return refusal(400, 'invalid_deployment', 'The deployment already serves production');
  const stages = stagesOf(state.config);
  const current = context.find(context.production())!;
  const now = Date.now();
  state.release = {
    state: 'ACTIVE',
    substate: null,
    advancementType: stages.some((s) => s.requireApproval) ? 'manual-approval' : 'automatic',
    currentDeployment: context.deploymentJson(current),
    canaryDeployment: context.deploymentJson(canary),
    queuedDeploymentId: null,
    stages,
    activeStage: stages[0],
    nextStage: stages[1] ?? null,
    startedAt: now,
    updatedAt: now,
  };
  state.started.push(canary.id);
  return [200, { rollingRelease: state.release }];
}

/** The active release for this canary, or why there is none. */
function activeFor(canaryId: string, context: ReleaseContext): Record<string, unknown> | Reply {
  const release = activeRelease(context.state);
  if (!release) return refusal(400, 'no_active_rolling_release', 'There is no active rolling release');
  if ((release['canaryDeployment'] as { id: string }).id !== canaryId)
    return refusal(400, 'invalid_canary', 'The deployment is not the canary of the active rolling release');
  return release;
}

function approve(input: Record<string, unknown>, context: ReleaseContext): Reply {
  const release = activeFor(String(input['canaryDeploymentId']), context);
  if (Array.isArray(release)) return release;
  const stages = release['stages'] as Stage[];
  const active = release['activeStage'] as Stage;
  const next = input['nextStageIndex'];
  if (typeof next !== 'number' || next !== active.index + 1 || !stages[next])
    return refusal(400, 'bad_request', `nextStageIndex must be ${active.index + 1}`);
  if (stages[next].isFinalStage) return finish(release, context);
  Object.assign(release, { activeStage: stages[next], nextStage: stages[next + 1], updatedAt: Date.now() });
  return [200, { rollingRelease: release }];
}

function complete(canaryId: string, context: ReleaseContext): Reply {
  const release = activeFor(canaryId, context);
  return Array.isArray(release) ? release : finish(release, context);
}

function finish(release: Record<string, unknown>, context: ReleaseContext): Reply {
  const stages = release['stages'] as Stage[];
  Object.assign(release, {
    state: 'COMPLETE',
    activeStage: stages.at(-1),
    nextStage: null,
    updatedAt: Date.now(),
  });
  context.setProduction((release['canaryDeployment'] as { id: string }).id);
  return [200, { rollingRelease: release }];
}
