/**
 * soak-gate as the runner starts it, against a GitHub API that checks every request
 * against GitHub's OpenAPI description: staging deployments say when the commit went
 * live, runs of the monitor workflow are the checks, and the wall clock is pinned.
 */
import { startGitHubApi, type GitHubApi, type WorkflowRun } from '../support/github-api.js';
import { expectOneLineError, runAction, visibleLog } from '../support/run-action.js';

const NOW = Date.parse('2026-11-28T14:00:00Z');
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const OTHER = 'ffffeeee0000111122223333444455556666aaaa';
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

let github: GitHubApi;
beforeEach(async () => (github = await startGitHubApi()));
afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.close();
});

const deploy = (sha: string, liveMinutesAgo: number | undefined) =>
  github.deployments.push({
    id: github.deployments.length + 1,
    sha,
    ref: sha,
    environment: 'staging',
    production: false,
    transient: false,
    statuses: [
      {
        state: 'in_progress',
        description: 'deploying',
        environment_url: '',
        created_at: ago((liveMinutesAgo ?? 0) + 3),
      },
      ...(liveMinutesAgo === undefined
        ? []
        : [{ state: 'success', description: 'live', environment_url: '', created_at: ago(liveMinutesAgo) }]),
    ],
  });

/** A run of the monitor every 10 minutes from `fromMinutesAgo`, the given ones failing. */
const checks = (fromMinutesAgo: number, count: number, failing: number[] = []) => {
  for (let k = 0; k < count; k++)
    github.workflowRuns.push({
      workflow: 'staging-monitor.yml',
      created_at: ago(fromMinutesAgo - k * 10),
      status: 'completed',
      conclusion: failing.includes(k) ? 'failure' : 'success',
    } satisfies WorkflowRun);
};

const soak = (inputs: Record<string, string> = {}) =>
  runAction('soak-gate', {
    inputs: { 'checks-workflow': 'staging-monitor.yml', sha: SHA, 'github-token': github.token, ...inputs },
    env: {
      GITHUB_API_URL: github.url,
      RELEASE_ACTIONS_NOW: new Date(NOW).toISOString(),
      RELEASE_ACTIONS_RETRY_AFTER_MS: '20',
    },
  });

describe('soak-gate', () => {
  it("counts only scheduled runs since the commit went live: not a dispatched run on a branch, not that morning's runs", async () => {
    deploy(SHA, 130);
    checks(125, 13);
    // Green runs that prove nothing about this commit on staging:
    github.workflowRuns.push(
      // dispatched by hand from a feature branch, after the commit went live
      {
        workflow: 'staging-monitor.yml',
        created_at: ago(60),
        status: 'completed',
        conclusion: 'success',
        event: 'workflow_dispatch',
        head_branch: 'try-fix',
      },
      // scheduled, the same day but before the commit went live
      { workflow: 'staging-monitor.yml', created_at: ago(200), status: 'completed', conclusion: 'success' },
    );
    const run = await soak();
    expect(run.outputs['green']).toBe('13');
    expect(run.outputs['progress']).toBe('soak 2h10m of 4h; 13 of 24 checks green');
    const query = github.requests.find((r) => r.path.includes('/actions/workflows/'))?.path ?? '';
    expect(new URL(query, 'http://x').searchParams.get('event')).toBe('schedule');
  });

  it('ends at once with how far the soak got, so a later run continues', async () => {
    deploy(SHA, 130);
    checks(125, 13);
    const run = await soak();
    expect(run.code).toBe(1);
    expect(run.durationMs).toBeLessThan(5000);
    expect(run.outputs).toEqual({
      status: 'waiting',
      progress: 'soak 2h10m of 4h; 13 of 24 checks green',
      'elapsed-seconds': String(130 * 60),
      green: '13',
      failed: '0',
    });
    expect(visibleLog(run).trim().split('\n').at(-1)).toBe(
      '::error::Soak not over yet: soak 2h10m of 4h; 13 of 24 checks green — 1h50m to go; a later run continues',
    );
    expect(run.summary).toContain('## Soak of a1b2c3d on staging: waiting');
    expect(run.summary).toContain(`| Live on staging since | ${ago(130)} |`);
    const quiet = await soak({ 'fail-while-waiting': 'false' });
    expect(quiet.code).toBe(0);
    expect(quiet.outputs['status']).toBe('waiting');
  });

  it('passes when the time is served, enough checks ran and none failed', async () => {
    deploy(OTHER, 600);
    deploy(SHA, 245);
    checks(240, 24);
    const run = await soak();
    expect(run.code).toBe(0);
    expect(run.outputs['status']).toBe('passed');
    expect(run.outputs['progress']).toBe('soak 4h of 4h; 24 of 24 checks green');
  });

  it('a failed check fails the soak, naming the run; checks before the deployment do not count', async () => {
    checks(400, 3, [0, 1, 2]);
    deploy(SHA, 245);
    checks(240, 24, [7]);
    const run = await soak();
    expect(run.code).toBe(1);
    expect(run.outputs['status']).toBe('failed');
    expect(run.outputs['failed']).toBe('1');
    expect(visibleLog(run)).toMatch(
      /Soak failed: soak 4h of 4h; 23 of 24 checks green — 1 check failed during the soak \(first: https:\/\/github.com\/acme\/shop\/actions\/runs\/11\); fix and redeploy/,
    );
  });

  it('time served without enough checks keeps waiting and asks whether the monitor runs', async () => {
    deploy(SHA, 300);
    checks(290, 5);
    const run = await soak({ duration: '4h', 'min-checks': '20' });
    expect(run.outputs['status']).toBe('waiting');
    expect(visibleLog(run)).toContain('only 5 of 20 checks ran; is the scheduled healthcheck running?');
  });

  it('a redeploy of the same commit keeps the soak; another commit on staging voids it', async () => {
    deploy(SHA, 250);
    deploy(SHA, 60);
    checks(245, 24);
    expect((await soak()).outputs['status']).toBe('passed');
    deploy(OTHER, 5);
    const replaced = await soak();
    expect(replaced.outputs['status']).toBe('failed');
    expect(visibleLog(replaced)).toContain('staging now runs ffffeee, not a1b2c3d');
  });

  it('a commit never deployed to staging fails with what to do', async () => {
    deploy(SHA, undefined);
    checks(100, 3);
    const run = await soak();
    expect(visibleLog(run)).toContain(
      'a1b2c3d has no successful deployment to staging; deploy it there first',
    );
  });

  it('a monitor workflow that does not exist is one line', async () => {
    deploy(SHA, 30);
    checks(20, 2);
    const run = await soak({ 'checks-workflow': 'monitor.yml' });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toBe(
      `::error::soak-gate: acme/shop has no workflow "monitor.yml"; name the monitor's workflow file, such as staging-monitor.yml`,
    );
  });

  it.each([
    ['interval', { interval: '5h' }, /must be longer than 0s and at most the duration/],
    ['duration', { duration: 'four hours' }, /must be a duration/],
    ['checks-workflow', { 'checks-workflow': '../x' }, /must be a workflow file name/],
    ['sha', { sha: 'main' }, /must be a commit SHA/],
    ['min-checks', { 'min-checks': '-1' }, /must be at least 1/],
    ['fail-while-waiting', { 'fail-while-waiting': 'sometimes' }, /must be true or false/],
  ])('bad %s → one line, no request', async (input, inputs, says) => {
    expectOneLineError(await soak(inputs), input, says);
    expect(github.requests).toEqual([]);
  });
});
