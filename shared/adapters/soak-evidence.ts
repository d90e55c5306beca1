/**
 * The evidence of a soak, from GitHub: when the commit went live on the environment
 * (deployment statuses) and how the scheduled checks went since (runs of the
 * monitor's workflow). Nothing waits; every call is a read.
 */
import type { SoakEvidence } from '../core/soak.js';
import { githubCall, githubClient, type ClientOptions } from './octokit.js';
import { githubWorkflowRuns } from './workflow-runs.js';

export interface SoakEvidenceSource {
  evidence(environment: string, sha: string, checksWorkflow: string): Promise<SoakEvidence>;
}

export function githubSoakEvidence(
  options: ClientOptions & { owner: string; repo: string },
): SoakEvidenceSource {
  const octokit = githubClient(options);
  const { owner, repo } = options;
  const workflowRuns = githubWorkflowRuns(options);
  return {
    async evidence(environment, sha, checksWorkflow) {
      const { data: deployments } = await githubCall('read deployments', 'deployments: read', () =>
        octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: 30 }),
      );
      let liveSince: Date | undefined;
      let replacedBy: string | undefined;
      // Newest first: the first deployment that went live is what runs now; older
      // live deployments of the same commit (a redeploy) move the start back.
      for (const deployment of deployments) {
        const { data: statuses } = await githubCall('read deployments', 'deployments: read', () =>
          octokit.rest.repos.listDeploymentStatuses({
            owner,
            repo,
            deployment_id: deployment.id,
            per_page: 100,
          }),
        );
        const live = statuses
          .filter((s) => s.state === 'success')
          .map((s) => new Date(s.created_at))
          .sort((a, b) => a.getTime() - b.getTime())[0];
        if (!live) continue;
        if (deployment.sha !== sha) {
          if (!liveSince) replacedBy = deployment.sha;
          break;
        }
        liveSince = live;
      }
      if (!liveSince) return { liveSince, ...(replacedBy && { replacedBy }), checks: [] };
      const runs = await workflowRuns.completed(checksWorkflow, { since: liveSince });
      return {
        liveSince,
        checks: runs
          .filter((r) => ['success', 'failure', 'timed_out'].includes(r.conclusion))
          .map((r) => ({ at: r.at, passed: r.conclusion === 'success', url: r.url }))
          .sort((a, b) => a.at.getTime() - b.at.getTime()),
      };
    },
  };
}
