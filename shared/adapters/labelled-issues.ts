import type { GitHubClient } from './octokit.js';

type Repository = { owner: string; repo: string };

/**
 * Issues with a label, pull requests left out (GitHub lists them as issues).
 * `pages: 'all'` reads every page; a number reads that many issues of the first.
 */
export async function labelledIssues(
  octokit: GitHubClient,
  repository: Repository,
  query: { label: string; state: 'open' | 'closed'; sort: 'created' | 'updated'; pages: 'all' | number },
) {
  const request = {
    ...repository,
    state: query.state,
    labels: query.label,
    sort: query.sort,
    direction: 'desc' as const,
    per_page: query.pages === 'all' ? 100 : query.pages,
  };
  const issues =
    query.pages === 'all'
      ? await octokit.paginate(octokit.rest.issues.listForRepo, request)
      : (await octokit.rest.issues.listForRepo(request)).data;
  return issues.filter((i) => !i.pull_request);
}
