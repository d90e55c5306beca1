/**
 * GitHub API requests per monitoring scenario, counted at a local GitHub API that
 * checks each one against GitHub's OpenAPI description, through the built bundles.
 * Writes rows to $BENCH_OUT for bench/run.mjs's table.
 */
import { writeFileSync } from 'node:fs';
import { startGitHubApi, type GitHubApi } from '../__tests__/support/github-api.js';
import { runAction } from '../__tests__/support/run-action.js';
import { startService, type TestService } from '../__tests__/support/service.js';

const rows: { scenario: string; calls: number; outcome: string }[] = [];
let github: GitHubApi;
let service: TestService;
beforeAll(async () => {
  github = await startGitHubApi();
  service = await startService();
});
afterAll(async () => {
  writeFileSync(process.env['BENCH_OUT'] ?? '/dev/stdout', JSON.stringify(rows));
  await github.close();
  await service.close();
});

const env = () => ({
  GITHUB_API_URL: github.url,
  GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/monitor.yml@refs/heads/main',
  RELEASE_ACTIONS_RETRY_AFTER_MS: '20',
});
let minute = 0;
/** One scheduled check: healthcheck, then (when the workflow runs it) open-incident-issue. */
async function check(scenario: string, incidentStep: boolean, later = 0) {
  const before = github.requests.length;
  const health = await runAction('healthcheck', {
    inputs: { probes: `[{name: api, url: "${service.url}/health", retries: 0}]` },
    env: env(),
  });
  let outcome = `healthy=${health.outputs['healthy']}`;
  if (incidentStep) {
    const incident = await runAction('open-incident-issue', {
      inputs: {
        mode: 'auto',
        service: 'shop',
        report: health.outputs['report'] ?? '',
        'open-after': '2',
        'update-interval': '30m',
        'github-token': github.token,
      },
      env: {
        ...env(),
        GITHUB_RUN_ID: String(1000 + minute),
        ...(later && { RELEASE_ACTIONS_NOW: new Date(Date.now() + later).toISOString() }),
      },
    });
    outcome += `, incident ${incident.outputs['action']}`;
  }
  github.workflowRuns.push({
    workflow: 'monitor.yml',
    created_at: new Date(Date.now() - 3_600_000 + minute++ * 60_000).toISOString(),
    status: 'completed',
    conclusion: health.outputs['healthy'] === 'true' ? 'success' : 'failure',
  });
  rows.push({ scenario, calls: github.requests.length - before, outcome });
  expect(github.violations).toEqual([]);
}

it('counts requests per scenario', async () => {
  // healthcheck.yml skips the incident step when the last run left "clear".
  await check('healthy scheduled check (last run clear: incident step skipped)', false);
  service.setMode('error');
  await check('first failed check (open-after 2: counting)', true);
  await check('second failed check: incident opened', true);
  await check('recurring failure within update-interval', true);
  await check('recurring failure after update-interval: one comment', true, 31 * 60_000);
  service.setMode('ok');
  await check('recovery: incident resolved', true);
  await check('healthy check after the resolve (last run clear)', false);
  await check('healthy check, state evicted from the cache: asks once', true);
});
