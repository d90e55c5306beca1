/**
 * GitHub deployment records for a rollout, so the repository's Environments page
 * shows what runs where: one deployment per environment and run, with statuses as
 * the rollout moves (in_progress "canary 25 %", success on promotion, failure on
 * rollback; success marks the replaced deployment inactive).
 */
import { githubClient } from './octokit.js';
import { OperationalError } from '../core/errors.js';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'inactive';

export interface DeploymentRecorder {
  /** Starts or adopts this run's deployment; later calls post statuses to it. */
  start(): Promise<number>;
  status(state: DeploymentState, description: string): Promise<void>;
}

export interface DeploymentOptions {
  token: string;
  apiUrl: string;
  owner: string;
  repo: string;
  sha: string;
  environment: string;
  environmentUrl?: string;
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
  let id: number | undefined;
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

  return {
    async start() {
      if (id !== undefined) return id;
      try {
        // A job with `environment:` already has a deployment for this commit that is
        // still being worked on: attach to it rather than creating a second one.
        const { data: existing } = await octokit.rest.repos.listDeployments({
          owner,
          repo,
          sha: options.sha,
          environment: options.environment,
          per_page: 5,
        });
        for (const d of existing) {
          const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
            owner,
            repo,
            deployment_id: d.id,
            per_page: 1,
          });
          const latest = statuses[0]?.state;
          if (latest === undefined || latest === 'queued' || latest === 'in_progress' || latest === 'pending')
            return (id = d.id);
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
      } catch (error) {
        fail('post deployment statuses', error);
      }
    },
  };
}
