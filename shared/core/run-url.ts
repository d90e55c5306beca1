/** Where a repository lives on a GitHub server: enough to address its pages. */
export interface RepositoryAddress {
  serverUrl: string;
  owner: string;
  repo: string;
}

/** The page of a workflow run of this repository. */
export function runUrlOf(where: RepositoryAddress, runId: number | string): string {
  return `${where.serverUrl}/${where.owner}/${where.repo}/actions/runs/${runId}`;
}
