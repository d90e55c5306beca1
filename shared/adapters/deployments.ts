/**
 * GitHub deployment records for a rollout, so the repository's Environments page
 * shows what runs where: one deployment per environment and run, with statuses as
 * the rollout moves (in_progress "canary 25 %", success on promotion, failure on
 * rollback; success marks the replaced deployment inactive).
 */
import { OperationalError } from '../core/errors.js';
import {
  deploymentDescription,
  ownLiveDeployment,
  replacedDeployments,
  revisionOf,
  type DeploymentWithStatus,
} from '../core/traffic/deployment-records.js';
import { runIdOf, type RolloutClaim, type RunState } from '../core/traffic/lease.js';
import type { RevisionRecord } from '../core/traffic/revision-history.js';
import { githubCall, githubClientOnDemand, type GitHubClient } from './octokit.js';

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
  return new GitHubDeployments(options);
}

// Every call asks for the same permission: a job that records deployments writes them.
const call = <T>(what: string, fn: () => Promise<T>) => githubCall(what, 'deployments: write', fn);

class GitHubDeployments implements DeploymentRecorder {
  private readonly client: () => Promise<GitHubClient>;
  private readonly ownRun: number | undefined;
  private id: number | undefined;

  constructor(private readonly options: DeploymentOptions) {
    this.client = githubClientOnDemand({
      token: options.token,
      apiUrl: options.apiUrl,
      ...(options.retryAfterMs !== undefined && { retryAfterMs: options.retryAfterMs }),
    });
    this.ownRun = runIdOf(options.logUrl);
  }

  private get repository() {
    return { owner: this.options.owner, repo: this.options.repo };
  }

  /** A deployment's newest status, with the run that wrote it. */
  private async latestStatus(deployment: number) {
    const octokit = await this.client();
    const { data } = await octokit.rest.repos.listDeploymentStatuses({
      ...this.repository,
      deployment_id: deployment,
      per_page: 1,
    });
    const latest = data[0];
    return latest && { ...latest, runId: runIdOf(latest.log_url ?? latest.target_url) };
  }

  private async withStatus(deployment: { id: number }): Promise<DeploymentWithStatus> {
    const latest = await this.latestStatus(deployment.id);
    return { id: deployment.id, state: latest?.state, runId: latest?.runId };
  }

  /** The environment's newest deployments, newest first; `sha` narrows them to one commit. */
  private async recent(perPage: number, sha?: string) {
    const octokit = await this.client();
    const { data } = await octokit.rest.repos.listDeployments({
      ...this.repository,
      environment: this.options.environment,
      per_page: perPage,
      ...(sha && { sha }),
    });
    return data;
  }

  async start(): Promise<number> {
    if (this.id !== undefined) return this.id;
    return call('create deployments', async () => {
      const candidates = await Promise.all(
        (await this.recent(5, this.options.sha)).map((d) => this.withStatus(d)),
      );
      this.id = ownLiveDeployment(candidates, this.ownRun) ?? (await this.create());
      return this.id;
    });
  }

  private async create(): Promise<number> {
    const octokit = await this.client();
    const { data } = await octokit.rest.repos.createDeployment({
      ...this.repository,
      ref: this.options.sha,
      environment: this.options.environment,
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: this.options.production,
      description: 'release-actions rollout',
      ...(this.options.revision && { payload: { revision: this.options.revision } }),
    });
    if (!('id' in data))
      throw new OperationalError(
        `GitHub did not create a deployment: ${data.message ?? 'merge in progress'}`,
      );
    return data.id;
  }

  forRevision(revision: string, sha?: string): DeploymentRecorder {
    return new GitHubDeployments({ ...this.options, revision, sha: sha ?? this.options.sha });
  }

  revisions(): Promise<RevisionRecord[]> {
    return call('list deployments', async () => {
      const named = (await this.recent(20)).flatMap((d) => {
        const revision = revisionOf(d.payload);
        return revision ? [{ revision, sha: d.sha, id: d.id }] : [];
      });
      // In parallel: a rollback waits on this.
      const states = await Promise.all(named.map((d) => this.latestStatus(d.id)));
      return named.map(({ revision, sha }, i): RevisionRecord => {
        const state = states[i]?.state;
        return { revision, sha, ...(state && { state }) };
      });
    });
  }

  claimsBefore(own: number, sinceMs: number): Promise<RolloutClaim[]> {
    return call('list deployments', async () => {
      const older = (await this.recent(30)).filter((d) => d.id < own && Date.parse(d.created_at) >= sinceMs);
      const claims: RolloutClaim[] = [];
      for (const d of older) {
        const latest = await this.latestStatus(d.id);
        claims.push({
          deployment: d.id,
          ...(latest && { state: latest.state }),
          ...(latest?.runId !== undefined && { runId: latest.runId }),
          sinceMs: Date.parse(latest?.created_at ?? d.created_at),
        });
      }
      return claims;
    });
  }

  async runState(runId: number): Promise<RunState> {
    const octokit = await this.client();
    try {
      const { data } = await octokit.rest.actions.getWorkflowRun({ ...this.repository, run_id: runId });
      return data.status === 'completed' ? 'finished' : 'running';
    } catch {
      // Without "actions: read" the run cannot be seen; the claim's age decides.
      return 'unknown';
    }
  }

  async status(state: DeploymentState, description: string): Promise<void> {
    const octokit = await this.client();
    const deployment = await this.start();
    await call('post deployment statuses', async () => {
      await octokit.rest.repos.createDeploymentStatus({
        ...this.repository,
        deployment_id: deployment,
        state,
        description: deploymentDescription(description),
        log_url: this.options.logUrl,
        ...(this.options.environmentUrl && { environment_url: this.options.environmentUrl }),
        auto_inactive: state === 'success',
      });
      if (state === 'success' && this.options.production) await this.retireReplaced(deployment);
    });
  }

  /** auto_inactive does nothing for production environments (GitHub's own description). */
  private async retireReplaced(current: number): Promise<void> {
    const octokit = await this.client();
    const recent = await Promise.all((await this.recent(10)).map((d) => this.withStatus(d)));
    for (const id of replacedDeployments(recent, current)) {
      await octokit.rest.repos.createDeploymentStatus({
        ...this.repository,
        deployment_id: id,
        state: 'inactive',
        description: `replaced by deployment ${current}`,
      });
    }
  }
}
