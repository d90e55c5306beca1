import { githubTracker } from '../../shared/adapters/github.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run } from './main.js';

const { runtime, clock, env, files } = realDependencies();
const [owner = '', repo = ''] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
await run({
  runtime,
  clock,
  env,
  files,
  trackerFor: (settings, log) =>
    githubTracker({
      token: settings['github-token'],
      apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com',
      serverUrl: env['GITHUB_SERVER_URL'] ?? 'https://github.com',
      owner,
      repo,
      log,
      ...(env['RELEASE_ACTIONS_RETRY_AFTER_MS'] && {
        retryAfterMs: Number(env['RELEASE_ACTIONS_RETRY_AFTER_MS']),
      }),
    }),
});
