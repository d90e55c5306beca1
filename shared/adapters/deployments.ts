/**
 * GitHub deployment records for a rollout, so the repository's Environments page
 * shows what runs where: one deployment per environment and run, with statuses as
 * the rollout moves (in_progress "canary 25 %", success on promotion, failure on
 * rollback; success marks the replaced deployment inactive).
 */
import { githubClient } from './octokit.js';
import { OperationalError } from '../core/errors.js';
import { runIdOf, type RolloutClaim, type RunState } from '../core/traffic/lease.js';
import type { RevisionRecord } from '../core/traffic/revision-history.js';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface DeploymentRecorder {
  /** Starts or adopts this run's deployment; later calls post statuses to it. */
  start(): Promise<number>;
  /**
   * The same environment, recording that `revision` runs there, for commit `sha`
   * (a rollback records the revision it restored, at that revision's commit).
   */
  forRevision(revision: string, sha?: string): DeploymentRecorder;
  /** Recent deployments of the environment that say which revision they put there. */
  revisions(): Promise<RevisionRecord[]>;
  status(state: DeploymentState, description: string): Promise<void>;
  /** The environment's deployments older than `own` and created after `sinceMs`, with their latest status. */
  claimsBefore(own: number, sinceMs: number): Promise<RolloutClaim[]>;
  runState(runId: number): Promise<RunState>;
}

export interface DeploymentOptions {
  token: string;
  apiUrl: string;
  owner: string;
  repo: string;
  sha: string;
  environment: string;
  environmentUrl?: string;
  /** The revision this deployment puts in the environment, kept in its payload. */
  revision?: string;
  logUrl: string;
  production: boolean;
  retryAfterMs?: number;
}

export function githubDeployments(options: DeploymentOptions): DeploymentRecorder {
  const octokit = githubClient({
    token: options.token,
    apiUrl: options.apiUrl,
    ...(options.retryAfterMs !== undefined && { retryAfterMs: options.retryAfterMs }),
  });
  const { owner, repo } = options;
  const ownRun = runIdOf(options.logUrl);
  let id: number | undefined;
  /** A deployment's newest status, with the run that wrote it. */
  const latestStatus = async (deployment: number) => {
    const { data } = await octokit.rest.repos.listDeploymentStatuses({
      owner,
      repo,
      deployment_id: deployment,
      per_page: 1,
    });
    const latest = data[0];
    return latest && { ...latest, runId: runIdOf(latest.log_url ?? latest.target_url) };
  };
  /** The environment's newest deployments, newest first. */
  const recentDeployments = async (perPage: number) =>
    (
      await octokit.rest.repos.listDeployments({
        owner,
        repo,
        environment: options.environment,
        per_page: perPage,
      })
    ).data;
  const fail = (what: string, error: unknown): never => {
    const e = error as { status?: number; message?: string };
    if (e.status === 403)
      throw new OperationalError(
        `the token may not ${what}: add "permissions: deployments: write" to the job`,
      );
    throw new OperationalError(
      `GitHub failed to ${what}: ${e.status ?? ''} ${(e.message ?? String(error)).split('\n')[0]}`,
    );
  };

  /** Earlier deployments of the environment still marked success become inactive. */
  const retireReplaced = async (current: number) => {
    const recent = await recentDeployments(10);
    for (const d of recent.filter((x) => x.id !== current)) {
      if ((await latestStatus(d.id))?.state !== 'success') continue;
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: d.id,
        state: 'inactive',
        description: `replaced by deployment ${current}`,
      });
    }
  };

  return {
    async start() {
      if (id !== undefined) return id;
      try {
        // This run's job (with `environment:`) or an earlier attempt of it already has
        // a deployment in progress for this commit: attach to it rather than creating
        // a second one. Another run's deployment is never adopted: it is a rival.
        const { data: existing } = await octokit.rest.repos.listDeployments({
          owner,
          repo,
          sha: options.sha,
          environment: options.environment,
          per_page: 5,
        });
        for (const d of existing) {
          const latest = await latestStatus(d.id);
          const live = latest && ['queued', 'in_progress', 'pending'].includes(latest.state);
          if (live && ownRun !== undefined && latest.runId === ownRun) return (id = d.id);
        }
        const { data } = await octokit.rest.repos.createDeployment({
          owner,
          repo,
          ref: options.sha,
          environment: options.environment,
          auto_merge: false,
          required_contexts: [],
          transient_environment: false,
          production_environment: options.production,
          description: 'release-actions rollout',
          ...(options.revision && { payload: { revision: options.revision } }),
        });
        if (!('id' in data))
          throw new OperationalError(
            `GitHub did not create a deployment: ${data.message ?? 'merge in progress'}`,
          );
        return (id = data.id);
      } catch (error) {
        if (error instanceof OperationalError) throw error;
        return fail('create deployments', error);
      }
    },
    forRevision(revision, sha) {
      return githubDeployments({ ...options, revision, sha: sha ?? options.sha });
    },
    async revisions() {
      try {
        const recent = await recentDeployments(20);
        const named = recent.flatMap((d) => {
          const payload = d.payload as { revision?: unknown } | string;
          const revision = typeof payload === 'object' ? payload.revision : undefined;
          return typeof revision === 'string' ? [{ revision, sha: d.sha, id: d.id }] : [];
        });
        // In parallel: a rollback waits on this.
        const states = await Promise.all(named.map((d) => latestStatus(d.id)));
        return named.map(({ revision, sha }, i): RevisionRecord => {
          const state = states[i]?.state;
          return { revision, sha, ...(state && { state }) };
        });
      } catch (error) {
        return fail('list deployments', error);
      }
    },
    async claimsBefore(own, sinceMs) {
      try {
        const recent = await recentDeployments(30);
        const older = recent.filter((d) => d.id < own && Date.parse(d.created_at) >= sinceMs);
        const claims: RolloutClaim[] = [];
        for (const d of older) {
          const latest = await latestStatus(d.id);
          claims.push({
            deployment: d.id,
            ...(latest && { state: latest.state }),
            ...(latest?.runId !== undefined && { runId: latest.runId }),
            sinceMs: Date.parse(latest?.created_at ?? d.created_at),
          });
        }
        return claims;
      } catch (error) {
        return fail('list deployments', error);
      }
    },
    async runState(runId) {
      try {
        const { data } = await octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: runId });
        return data.status === 'completed' ? 'finished' : 'running';
      } catch {
        // Without "actions: read" the run cannot be seen; the claim's age decides.
        return 'unknown';
      }
    },
    async status(state, description) {
      const deployment = await this.start();
      try {
        await octokit.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: deployment,
          state,
          description: description.slice(0, 140),
          log_url: options.logUrl,
          ...(options.environmentUrl && { environment_url: options.environmentUrl }),
          auto_inactive: state === 'success',
        });
        // auto_inactive does nothing for production environments (GitHub's own
        // description): the deployment this one replaced is retired here.
        if (state === 'success' && options.production) await retireReplaced(deployment);
      } catch (error) {
        fail('post deployment statuses', error);
      }
    },
  };
}
