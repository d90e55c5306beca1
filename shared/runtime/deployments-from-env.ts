import { githubDeployments, type DeploymentRecorder } from '../adapters/deployments.js';
import type { DeploymentSettings } from '../core/traffic/deployment-settings.js';

/** The real deployment recorder, addressed from the runner's environment. */
export function deploymentsFromEnv(env: Readonly<Record<string, string | undefined>>) {
  return (settings: DeploymentSettings): DeploymentRecorder => {
    const [owner = '', repo = ''] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
    return githubDeployments({
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
    });
  };
}
