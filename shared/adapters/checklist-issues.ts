/** Issue bodies that hold release checklists, read through the shared Octokit. */
import type { CommitPullRequest } from '../core/checklist/merged-pull-request.js';
import { OperationalError } from '../core/errors.js';
import { labelledIssues } from './labelled-issues.js';
import { githubCall, githubClientOnDemand, type GitHubOptions } from './octokit.js';

export interface ChecklistIssue {
  number: number;
  title: string;
  body: string;
}

export interface ChecklistIssues {
  get(number: number): Promise<ChecklistIssue>;
  /** Open issues (not pull requests) with the label, newest first. */
  openWithLabel(label: string): Promise<ChecklistIssue[]>;
  /** The pull requests GitHub associates with a commit. */
  pullRequestsOf(sha: string): Promise<CommitPullRequest[]>;
}

export function githubChecklistIssues(options: GitHubOptions): ChecklistIssues {
  const client = githubClientOnDemand(options);
  const { owner, repo } = options;
  return {
    async get(number) {
      const octokit = await client();
      try {
        const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: number });
        return { number, title: data.title, body: data.body ?? '' };
      } catch (error) {
        if ((error as { status?: number }).status === 404)
          throw new OperationalError(`issue #${number} does not exist in ${owner}/${repo}`);
        return githubCall('read issues', 'issues: read', () => Promise.reject(error));
      }
    },
    async openWithLabel(label) {
      const octokit = await client();
      const issues = await githubCall('list issues', 'issues: read', () =>
        labelledIssues(octokit, { owner, repo }, { label, state: 'open', sort: 'created', pages: 'all' }),
      );
      return issues.map((i) => ({ number: i.number, title: i.title, body: i.body ?? '' }));
    },
    async pullRequestsOf(sha) {
      const octokit = await client();
      const { data } = await githubCall('list the pull requests of a commit', 'pull-requests: read', () =>
        octokit.rest.repos.listPullRequestsAssociatedWithCommit({
          owner,
          repo,
          commit_sha: sha,
          per_page: 100,
        }),
      );
      return data.map((p) => ({ number: p.number, body: p.body, mergedAt: p.merged_at }));
    },
  };
}
