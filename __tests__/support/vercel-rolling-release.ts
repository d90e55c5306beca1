/**
 * Vercel Rolling Releases for the local Vercel API (vercel-api.ts): the project's
 * release configuration and the one release it runs at a time, as the real `vercel
 * rolling-release` commands (58.10.0, src/commands/rolling-release) call them:
 *
 * - PATCH /v1/projects/:id/rolling-release/config   configure (enabled, advancementType, stages)
 * - GET   /v1/projects/:id/rolling-release          fetch
 * - POST  /v1/projects/:id/rolling-release/start    start   {canaryDeploymentId}
 * - POST  /v1/projects/:id/rolling-release/approve-stage  approve {activeStageIndex, nextStageIndex, canaryDeploymentId}
 * - POST  /v1/projects/:id/rolling-release/complete complete {canaryDeploymentId}
 * - POST  /v9/projects/:id/rollback/:canaryId       abort (the CLI aborts by rolling back to the canary)
 *
 * Shapes follow @vercel/sdk 1.28 (models/getrollingreleaseop.ts: state ACTIVE |
 * COMPLETE | ABORTED, activeStage, nextStage, stages with index / isFinalStage /
 * requireApproval, currentDeployment, canaryDeployment, currentCanaryPercentage).
 * The rules are the REST reference's: a release starts only for a READY production
 * deployment with releases enabled; starting the canary already being released
 * returns the release unchanged; approve-stage needs the next index; once a release
 * is complete or aborted, approve and complete are refused. Error bodies are
 * Vercel's `{error: {code, message}}`; the codes are ours where Vercel's are not
 * published.
 */
import type { VercelDeployment } from './vercel-api.js';

interface Stage {
  index: number;
  targetPercentage: number;
  isFinalStage: boolean;
  requireApproval: boolean;
  duration: number | null;
}

interface ReleaseConfig {
  advancementType: 'automatic' | 'manual-approval';
  stages: { targetPercentage: number; duration?: number }[];
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
  /** Moves the production domain (a completed release, or a rollback). */
  setProduction(id: string): void;
  deploymentJson(d: VercelDeployment): Record<string, unknown>;
}

/** The reply to one rolling-release request, or undefined when the route is not one. */
export function rollingReleaseRoute(
  route: string,
  body: string,
  project: string,
  context: ReleaseContext,
): Reply | undefined {
  const base = `/v1/projects/${project}/rolling-release`;
  const input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
  if (route === `PATCH ${base}/config`) return configure(input, context.state);
  if (route === `GET ${base}`) return [200, { rollingRelease: context.state.release }];
  if (route === `POST ${base}/start`) return start(String(input['canaryDeploymentId']), context);
  if (route === `POST ${base}/approve-stage`) return approve(input, context);
  if (route === `POST ${base}/complete`) return complete(String(input['canaryDeploymentId']), context);
  const abort = new RegExp(`^POST /v9/projects/${project}/rollback/(.+)$`).exec(route);
  const release = context.state.release;
  if (abort && release?.['state'] === 'ACTIVE') {
    const canary = release['canaryDeployment'] as { id: string };
    if (abort[1] !== canary.id)
      return refusal(409, 'rolling_release_active', 'A rolling release is in progress; abort it first');
    Object.assign(release, { state: 'ABORTED', activeStage: null, nextStage: null, updatedAt: Date.now() });
    return [201, {}];
  }
  return undefined;
}

function configure(input: Record<string, unknown>, state: RollingReleaseState): Reply {
  if (input['enabled'] !== true) {
    state.config = null;
    return [200, { rollingRelease: null }];
  }
  const stages = input['stages'] as ReleaseConfig['stages'] | undefined;
  const type = input['advancementType'];
  if (type !== 'automatic' && type !== 'manual-approval')
    return refusal(400, 'bad_request', 'advancementType must be automatic or manual-approval');
  if (!Array.isArray(stages) || stages.length < 2 || stages.at(-1)?.targetPercentage !== 100)
    return refusal(400, 'bad_request', 'stages must end with a stage at 100%');
  for (let i = 1; i < stages.length; i++)
    if (stages[i]!.targetPercentage <= stages[i - 1]!.targetPercentage)
      return refusal(400, 'bad_request', 'stage percentages must increase');
  state.config = { advancementType: type, stages };
  return [200, { rollingRelease: { target: 'production', ...state.config } }];
}

function stagesOf(config: ReleaseConfig): Stage[] {
  return config.stages.map((s, index) => ({
    index,
    targetPercentage: s.targetPercentage,
    isFinalStage: index === config.stages.length - 1,
    requireApproval: config.advancementType === 'manual-approval',
    duration: s.duration ?? null,
  }));
}

function start(canaryId: string, context: ReleaseContext): Reply {
  const { state } = context;
  if (!state.config) return refusal(400, 'rolling_release_disabled', 'Rolling releases are not enabled');
  const canary = context.find(canaryId);
  if (!canary) return refusal(404, 'not_found', "Can't find the deployment");
  const active = state.release?.['state'] === 'ACTIVE' ? state.release : null;
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
    advancementType: state.config.advancementType,
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
  const release = context.state.release;
  if (release?.['state'] !== 'ACTIVE')
    return refusal(400, 'no_active_rolling_release', 'There is no active rolling release');
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
