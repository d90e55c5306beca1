/**
 * shift-traffic records the rollout as a GitHub deployment, every request checked
 * against GitHub's OpenAPI description; a failing GitHub never stops the rollout.
 */
import { startLocalRouter, type LocalRouter } from '../../shared/adapters/local-router/server.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { startLoad } from '../support/load.js';
import { runAction } from '../support/run-action.js';
import { v1ToV2OnLocalRouter, startService, startTwoVersions, type TestService } from '../support/service.js';

let v1: TestService;
let v2: TestService;
let router: LocalRouter;
let github: GitHubApi;

beforeAll(async () => ({ v1, v2 } = await startTwoVersions()));
afterAll(() => Promise.all([v1.close(), v2.close()]));
beforeEach(async () => {
  v2.setMode('ok');
  router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 100 } });
  github = await startGitHubApi('acme', 'shop');
});
afterEach(async () => {
  expect(github.violations).toEqual([]);
  await router.close();
  await github.close();
});

const shift = () =>
  runAction('shift-traffic', {
    inputs: {
      ...v1ToV2OnLocalRouter(router.url),
      steps: '25,100',
      'step-duration': '1s',
      'check-interval': '250ms',
      'min-requests': '5',
      'github-environment': 'production',
      'environment-url': 'https://shop.example.com',
      'github-token': github.token,
    },
    env: { GITHUB_API_URL: github.url, GITHUB_SHA: 'a'.repeat(40), RELEASE_ACTIONS_RETRY_AFTER_MS: '20' },
  });

/** A deployment an earlier rollout of `revision` left, with its final state. */
const pastDeployment = (id: number, revision: string, sha: string, state: string) => ({
  id,
  sha,
  ref: sha,
  environment: 'production',
  production: true,
  transient: false,
  payload: { revision },
  created_at: new Date(Date.now() - (10 - id) * 60_000).toISOString(),
  statuses: [{ state, description: 'earlier rollout', environment_url: '', log_url: '' }],
});

describe('deployment records', () => {
  it('creates one deployment and moves its status with the rollout, to success', async () => {
    const load = startLoad(`${router.url}/health`, 100);
    const run = await shift();
    await load.stop();
    expect(run.code).toBe(0);
    expect(github.deployments).toHaveLength(1);
    expect(github.deployments[0]).toMatchObject({
      environment: 'production',
      production: true,
      transient: false,
      sha: 'a'.repeat(40),
    });
    expect(github.deployments[0]!.statuses.map((s) => `${s.state}: ${s.description}`)).toEqual([
      'in_progress: starting: v2 over v1',
      'in_progress: canary 25%',
      'in_progress: canary 100%',
      'success: v2 promoted to 100%',
    ]);
    expect(github.deployments[0]!.statuses.at(-1)?.environment_url).toBe('https://shop.example.com');
  });

  it('marks the deployment failed on rollback, and the previous success stays the active one', async () => {
    const load = startLoad(`${router.url}/health`, 100);
    await shift();
    await router.close();
    router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 100 } });
    v2.setMode('error');
    const load2 = startLoad(`${router.url}/health`, 100);
    const run = await shift();
    await load.stop();
    await load2.stop();
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(github.deployments).toHaveLength(2);
    expect(github.deployments[1]!.statuses.at(-1)?.state).toBe('failure');
    expect(github.deployments[0]!.statuses.at(-1)?.state).toBe('success');
  });

  it('a later promotion marks the replaced deployment inactive', async () => {
    for (let i = 0; i < 2; i++) {
      await router.close();
      router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 100 } });
      const load = startLoad(`${router.url}/health`, 100);
      expect((await shift()).code).toBe(0);
      await load.stop();
    }
    expect(github.deployments.map((d) => d.statuses.at(-1)?.state)).toEqual(['inactive', 'success']);
    const successes = github.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path.endsWith('/statuses') &&
        (r.body as { state: string }).state === 'success',
    );
    expect(successes.every((r) => (r.body as { auto_inactive?: boolean }).auto_inactive === true)).toBe(true);
  });

  it('a manual rollback is recorded for the revision it restored, at the commit that revision came from', async () => {
    // v1 went out from commit 111…; v2 from aaa…; the rollback runs on bbb….
    github.deployments.push(pastDeployment(1, 'v1', '1'.repeat(40), 'success'));
    const load = startLoad(`${router.url}/health`, 100);
    expect((await shift()).code).toBe(0);
    await load.stop();
    const run = await runAction('rollback', {
      inputs: {
        provider: 'local',
        'local-router-url': router.url,
        'to-revision': 'v1',
        reason: 'p95 over budget',
        'github-environment': 'production',
        'github-token': github.token,
      },
      env: { GITHUB_API_URL: github.url, GITHUB_SHA: 'b'.repeat(40) },
    });
    expect(run.code).toBe(0);
    expect(
      github.deployments.map((d) => `${d.statuses.at(-1)?.state}: ${d.statuses.at(-1)?.description}`),
    ).toEqual([
      'inactive: replaced by deployment 2',
      'inactive: replaced by deployment 3',
      'success: rolled back to v1: p95 over budget',
    ]);
    expect(github.deployments[2]).toMatchObject({ sha: '1'.repeat(40), payload: { revision: 'v1' } });
    expect(github.deployments[1]).toMatchObject({ sha: 'a'.repeat(40), payload: { revision: 'v2' } });
  });

  it('a rollback without to-revision passes over a revision whose rollout was rolled back', async () => {
    const v3 = await startService({ version: '3.0.0' });
    await router.close();
    router = await startLocalRouter({
      revisions: { v1: v1.url, v2: v2.url, v3: v3.url },
      split: { v3: 100 },
    });
    github.deployments.push(
      pastDeployment(1, 'v1', '1'.repeat(40), 'inactive'),
      pastDeployment(2, 'v2', '2'.repeat(40), 'failure'),
      pastDeployment(3, 'v3', '3'.repeat(40), 'success'),
    );
    const run = await runAction('rollback', {
      inputs: {
        provider: 'local',
        'local-router-url': router.url,
        reason: 'v3 leaks memory',
        'github-environment': 'production',
        'github-token': github.token,
      },
      env: { GITHUB_API_URL: github.url, GITHUB_SHA: 'b'.repeat(40) },
    });
    await v3.close();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('The previous revision is v1');
    expect(await (await fetch(`${router.url}/__release-actions/split`)).json()).toEqual({ v1: 100 });
    expect(github.deployments.at(-1)).toMatchObject({ sha: '1'.repeat(40), payload: { revision: 'v1' } });
  });

  it("attaches to the deployment this run's job environment already created instead of adding one", async () => {
    github.deployments.push({
      id: 1,
      sha: 'a'.repeat(40),
      ref: 'a'.repeat(40),
      environment: 'production',
      production: true,
      transient: false,
      statuses: [
        {
          state: 'in_progress',
          description: 'job',
          environment_url: '',
          log_url: 'https://github.com/acme/shop/actions/runs/1234/job/77',
        },
      ],
    });
    const load = startLoad(`${router.url}/health`, 100);
    const run = await shift();
    await load.stop();
    expect(run.code).toBe(0);
    expect(github.deployments).toHaveLength(1);
    expect(github.deployments[0]!.statuses.at(-1)?.state).toBe('success');
  });

  it('keeps rolling out when GitHub refuses the record, with a warning', async () => {
    github.fault({
      method: 'POST',
      path: /\/deployments$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const load = startLoad(`${router.url}/health`, 100);
    const run = await shift();
    await load.stop();
    expect(run.code).toBe(0);
    expect(run.outputs['outcome']).toBe('promoted');
    expect(run.stdout).toContain(
      'Deployment record not written: the token may not create deployments: add "permissions: deployments: write" to the job',
    );
  });

  it('a primary rate limit that lifts in an hour never holds a traffic step: the rollout keeps its pace', async () => {
    // GitHub's primary limit: 403 with x-ratelimit-remaining 0 and the reset an hour away.
    github.fault({
      method: 'POST',
      path: /\/statuses$/,
      status: 403,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      },
      body: { message: 'API rate limit exceeded for installation ID 1.' },
      times: 100,
    });
    const load = startLoad(`${router.url}/health`, 100);
    const run = await shift();
    await load.stop();
    expect(run.outputs['outcome']).toBe('promoted');
    // Two 1 s analyses and the start-up: nowhere near the hour the limit asked for.
    expect(run.durationMs).toBeLessThan(15_000);
    expect(run.stdout).toContain('Deployment record not written');
  }, 60_000);
});
