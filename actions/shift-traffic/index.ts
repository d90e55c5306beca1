import { githubDeployments } from '../../shared/adapters/deployments.js';
import { providerFor } from '../../shared/adapters/providers/index.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run } from './main.js';

// The runner sends SIGINT, then SIGTERM, when a job is cancelled: stop at the next
// await and put traffic back on stable before the process is killed.
const cancelled = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => cancelled.abort());

const deps = realDependencies();
const env = deps.env;
const [owner = '', repo = ''] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
await run({
  ...deps,
  providerFor,
  signal: cancelled.signal,
  deploymentsFor: (settings) =>
    githubDeployments({
      token: settings['github-token'],
      apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com',
      owner,
      repo,
      sha: env['GITHUB_SHA'] ?? '',
      environment: settings['github-environment'],
      production: /^prod/i.test(settings['github-environment']),
      logUrl: `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${env['GITHUB_RUN_ID'] ?? ''}`,
      ...(settings['environment-url'] && { environmentUrl: settings['environment-url'] }),
      ...(env['RELEASE_ACTIONS_RETRY_AFTER_MS'] && {
        retryAfterMs: Number(env['RELEASE_ACTIONS_RETRY_AFTER_MS']),
      }),
    }),
});
