import { runUrlOf } from '../core/run-url.js';

/** Where this run lives on GitHub, read once from the runner's environment. */
export interface GitHubContext {
  owner: string;
  repo: string;
  apiUrl: string;
  serverUrl: string;
  sha: string;
  runUrl: string;
  /** Base wait of Octokit's retry plugin, when a test shortens it. */
  retryAfterMs?: number;
}

export function githubContext(env: Readonly<Record<string, string | undefined>>): GitHubContext {
  const [owner = '', repo = ''] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  const serverUrl = env['GITHUB_SERVER_URL'] ?? 'https://github.com';
  const retry = env['RELEASE_ACTIONS_RETRY_AFTER_MS'];
  return {
    owner,
    repo,
    apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com',
    serverUrl,
    sha: env['GITHUB_SHA'] ?? '',
    // Off GitHub Actions (a local run, a rehearsal) there is no run page to link.
    runUrl:
      env['GITHUB_RUN_ID'] && owner && repo ? runUrlOf({ serverUrl, owner, repo }, env['GITHUB_RUN_ID']) : '',
    ...(retry && { retryAfterMs: Number(retry) }),
  };
}
