/**
 * Completed scheduled runs of one workflow: the record of scheduled checks, read
 * from GitHub. Only `schedule` runs count: GitHub runs them on the default
 * branch's latest commit, while a dispatched run (any branch, any code) must not
 * mint green checks or break a failure streak. The `created` filter is given as a
 * date (a date-time there has been reported to return no runs) and the exact
 * start is applied here.
 */
import { OperationalError } from '../core/errors.js';
import { githubCall, githubClientOnDemand, type ClientOptions } from './octokit.js';

export interface CompletedRun {
  id: number;
  at: Date;
  conclusion: string;
  url: string;
}

export interface WorkflowRuns {
  /** Newest first. `since` reads every run from then on; `limit` reads only the newest few. */
  completed(workflow: string, options: { since?: Date; limit?: number }): Promise<CompletedRun[]>;
}

export function githubWorkflowRuns(options: ClientOptions & { owner: string; repo: string }): WorkflowRuns {
  const client = githubClientOnDemand(options);
  const { owner, repo } = options;
  return {
    async completed(workflow, { since, limit }) {
      const octokit = await client();
      const query = {
        owner,
        repo,
        workflow_id: workflow,
        status: 'completed' as const,
        event: 'schedule',
        ...(since && { created: `>=${since.toISOString().slice(0, 10)}` }),
        per_page: Math.min(limit ?? 100, 100),
      };
      const runs = await githubCall('read workflow runs', 'actions: read', async () =>
        (limit
          ? octokit.rest.actions.listWorkflowRuns(query).then((r) => r.data.workflow_runs)
          : octokit.paginate(octokit.rest.actions.listWorkflowRuns, query)
        ).catch((error: { status?: number }) => {
          if (error.status === 404)
            throw new OperationalError(
              `${owner}/${repo} has no workflow "${workflow}"; name the monitor's workflow file, such as staging-monitor.yml`,
            );
          throw error;
        }),
      );
      return runs
        .filter((r) => r.event === 'schedule')
        .filter((r) => !since || Date.parse(r.created_at) >= since.getTime())
        .map((r) => ({
          id: r.id,
          at: new Date(r.created_at),
          conclusion: r.conclusion ?? '',
          url: r.html_url,
        }))
        .sort((a, b) => b.at.getTime() - a.at.getTime());
    },
  };
}
