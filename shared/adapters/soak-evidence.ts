/**
 * The records a soak is judged on, read from GitHub: the environment's deployments
 * with their successful statuses, and the monitor workflow's completed runs. Every
 * call is a read; what they mean is core/soak's to say.
 */
import { githubCall, githubClientOnDemand, type ClientOptions } from './octokit.js';
import { githubWorkflowRuns, type CompletedRun } from './workflow-runs.js';

/** One deployment of the environment and the times it was reported live. */
export interface DeploymentRecord {
  sha: string;
  successes: Date[];
}

export interface SoakRecords {
  /** Newest first, read one deployment at a time so a caller can stop early. */
  deployments(environment: string): AsyncGenerator<DeploymentRecord>;
  completedRuns(workflow: string, since: Date): Promise<CompletedRun[]>;
}

export function githubSoakRecords(options: ClientOptions & { owner: string; repo: string }): SoakRecords {
  const client = githubClientOnDemand(options);
  const { owner, repo } = options;
  const workflowRuns = githubWorkflowRuns(options);
  return {
    async *deployments(environment) {
      const octokit = await client();
      const { data: deployments } = await githubCall('read deployments', 'deployments: read', () =>
        octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: 30 }),
      );
      for (const deployment of deployments) {
        const { data: statuses } = await githubCall('read deployments', 'deployments: read', () =>
          octokit.rest.repos.listDeploymentStatuses({
            owner,
            repo,
            deployment_id: deployment.id,
            per_page: 100,
          }),
        );
        yield {
          sha: deployment.sha,
          successes: statuses.filter((s) => s.state === 'success').map((s) => new Date(s.created_at)),
        };
      }
    },
    completedRuns: (workflow, since) => workflowRuns.completed(workflow, { since }),
  };
}
