/**
 * GitHub Enterprise Server: the runner sets GITHUB_API_URL to https://<host>/api/v3 and
 * GITHUB_SERVER_URL to https://<host>. Every action that calls GitHub is run here, as the
 * runner runs it, against a local API that answers only under /api/v3 (anything else
 * is a violation), and its links point at the server, not github.com.
 */
import { startLocalRouter, type LocalRouter } from '../../shared/adapters/local-router/server.js';
import { openIssue, startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { runAction } from '../support/run-action.js';
import { shiftUnderLoad, startTwoVersions, type TestService } from '../support/service.js';

const SERVER = 'https://ghes.acme.internal';
let github: GitHubApi;
beforeEach(async () => (github = await startGitHubApi('acme', 'shop', undefined, { pathPrefix: '/api/v3' })));
afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.close();
});
const enterprise = () => ({
  GITHUB_API_URL: github.url,
  GITHUB_SERVER_URL: SERVER,
  RELEASE_ACTIONS_RETRY_AFTER_MS: '20',
});

it('the local API is really under /api/v3: a call to the root is a violation', async () => {
  const root = new URL(github.url).origin;
  const answer = await fetch(`${root}/repos/acme/shop/issues`);
  expect(answer.status).toBe(404);
  expect(github.violations).toEqual(["GET /repos/acme/shop/issues is outside the API's path /api/v3/"]);
  github.violations.length = 0;
});

it('open-incident-issue opens, then resolves, its incident on the server, with links to it', async () => {
  const report = (healthy: boolean) =>
    JSON.stringify({ healthy, failed: healthy ? [] : ['api'], probes: [{ name: 'api', healthy }] });
  const incident = (healthy: boolean) =>
    runAction('open-incident-issue', {
      inputs: {
        service: 'shop-api',
        severity: 'P2',
        mode: 'auto',
        report: report(healthy),
        'github-token': github.token,
      },
      env: enterprise(),
    });
  expect((await incident(false)).code).toBe(0);
  expect(github.issues).toHaveLength(1);
  expect(github.issues[0]!.body).toContain(`${SERVER}/acme/shop/actions/runs/1234`);
  expect(github.issues[0]!.body).not.toContain('https://github.com/');
  const resolved = await incident(true);
  expect(resolved.outputs['action']).toBe('resolved');
  expect(resolved.outputs['issue-url']).toMatch(/^http/);
  expect(github.issues[0]!.state).toBe('closed');
});

it('verify-checklist reads the release issue from the server', async () => {
  github.issues.push(openIssue(4, 'Release 2.3.0', '## Go/no-go\n- [x] Product sign-off\n', ['release']));
  const run = await runAction('verify-checklist', {
    inputs: { sources: 'release-issue', 'github-token': github.token },
    env: enterprise(),
  });
  expect(run.code).toBe(0);
  expect(run.summary).toContain('| issue \\#4 | Go/no-go | 1 |');
  expect(github.requests).toHaveLength(1);
});

describe('shift-traffic and rollback record deployments on the server', () => {
  let v1: TestService;
  let v2: TestService;
  let router: LocalRouter;
  beforeAll(async () => ({ v1, v2 } = await startTwoVersions()));
  afterAll(() => Promise.all([v1.close(), v2.close()]));
  beforeEach(
    async () =>
      (router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 100 } })),
  );
  afterEach(() => router.close());

  it('a promotion and a rollback by hand, each with its deployment statuses', async () => {
    const records = { 'github-environment': 'production', 'github-token': github.token };
    const env = { ...enterprise(), GITHUB_SHA: 'b'.repeat(40) };
    const shift = await shiftUnderLoad(router.url, records, env);
    expect(shift.outputs['outcome']).toBe('promoted');
    const back = await runAction('rollback', {
      // No to-revision: the last good one is read from the server's deployments.
      inputs: { provider: 'local', 'local-router-url': router.url, ...records },
      env,
    });
    expect(back.code).toBe(0);
    expect(back.outputs['split-text']).toBe('v1 100%');
    expect(github.deployments.length).toBeGreaterThanOrEqual(2);
    for (const d of github.deployments) expect(d.statuses.length).toBeGreaterThan(0);
    expect(github.deployments.at(-1)!.statuses.at(-1)!.log_url).toBe(`${SERVER}/acme/shop/actions/runs/1234`);
  });
});
