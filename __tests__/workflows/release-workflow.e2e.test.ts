/**
 * .github/workflows/release.yml as GitHub runs it: called from the workflow a user
 * writes from the README, on a tag push, through the workflow harness (GitHub's
 * parser and expression engine, this checkout's built actions), against two real
 * service versions behind a staging and a production router, with users' traffic
 * on production and a GitHub API that checks every request.
 */
import type { WorkflowResult } from '../../tools/workflow-harness/index.js';
import { releaseCaller, startReleaseLab, TAG_PUSH, type ReleaseLab } from '../support/release-lab.js';

let lab: ReleaseLab;
beforeEach(async () => (lab = await startReleaseLab()));
afterEach(async () => lab.close());

const callerOutputs = (run: WorkflowResult) => run.jobs['release']?.outputs ?? {};
const jobsOf = (run: WorkflowResult) => run.jobs['release']?.called?.jobs ?? {};
const results = (run: WorkflowResult) =>
  Object.fromEntries(Object.entries(jobsOf(run)).map(([id, j]) => [id, j.result]));
const stepOf = (run: WorkflowResult, job: string, uses: string) =>
  jobsOf(run)[job]?.steps.find((s) => !s.post && s.uses?.includes(`/${uses}@`));

it('a healthy release goes checklist → staging → soak → production 10 → 50 → 100 % and is promoted', async () => {
  const users = lab.users();
  // A team without GitHub-hosted runners (GHES, or self-hosted only) names its own.
  const file = lab.caller('release.yml', releaseCaller(lab, { 'runs-on': '["self-hosted", "linux"]' }));
  const run = await lab.run(file, TAG_PUSH, {
    beforeJob: (id) => (id === 'soak' ? lab.greenMonitorRun() : undefined),
  });
  const seen = await users.stop();
  for (const [id, job] of Object.entries(jobsOf(run)))
    if (job.result !== 'skipped')
      expect({ id, runsOn: job.runsOn }).toEqual({ id, runsOn: ['self-hosted', 'linux'] });

  expect(run.errors).toEqual([]);
  expect(results(run)).toEqual({
    checklist: 'success',
    staging: 'success',
    soak: 'success',
    production: 'success',
    rollback: 'skipped',
    incident: 'skipped',
  });
  expect(callerOutputs(run)).toEqual({ 'canary-revision': 'v2', outcome: 'promoted' });
  expect(await lab.split(lab.staging)).toEqual({ v2: 100 });
  expect(await lab.split(lab.production)).toEqual({ v2: 100 });
  expect(seen.failed).toBe(0);
  expect(seen.sent).toBeGreaterThan(100);
  expect(lab.github.issues).toEqual([]);
  const production = lab.github.deployments.filter((d) => d.environment === 'production');
  expect(production.map((d) => d.statuses.at(-1)?.state)).toEqual(['success']);
  expect(lab.github.violations).toEqual([]);
  // What GitHub records about the jobs, for the environment's protection rules.
  expect(jobsOf(run)['production']).toMatchObject({
    environment: 'production',
    concurrency: { group: `release-production-${lab.production.url}`, cancelInProgress: false },
    timeoutMinutes: 120,
  });
  for (const job of Object.values(jobsOf(run)))
    for (const step of job.steps) expect(step.warnings).toEqual([]);
}, 120_000);

it.each([10, 50, 100])(
  'a canary that breaks at %d %% is rolled back, with one incident and traffic on v1',
  async (percent) => {
    const users = lab.users();
    const breaking = lab.breakAt(percent);
    const file = lab.caller('release.yml', releaseCaller(lab));
    const run = await lab.run(file, TAG_PUSH, {
      beforeJob: (id) => (id === 'soak' ? lab.greenMonitorRun() : undefined),
    });
    const rolledBackAt = performance.now();
    breaking.stop();
    const seen = await users.stop();

    expect(breaking.brokeAt()).toBeDefined();
    expect(results(run)).toMatchObject({
      staging: 'success',
      soak: 'success',
      production: 'failure',
      incident: 'success',
    });
    expect(callerOutputs(run)['outcome']).toBe('rolled-back');
    expect(await lab.split(lab.production)).toEqual({ v1: 100 });
    expect(lab.github.issues).toHaveLength(1);
    expect(lab.github.issues[0]).toMatchObject({ state: 'open', title: '[P1] shop v2.0.0 rolled back' });
    const body = lab.github.issues[0]?.body ?? '';
    // The rollout's own report: why it stopped, the users' failed requests as a share, its timeline.
    expect(body).toMatch(
      /ended \*\*rolled back\*\*: (.*canary 5xx rate|probe health: status 500|the probes failed 3 passes in a row: health \(status 500)/,
    );
    expect(body).toMatch(
      /Measured at the router: \d+ of \d+ requests \([\d.<]+ %\) failed while the rollout ran/,
    );
    expect(body).toMatch(/^Impact: \d+ of \d+ requests \([\d.<]+ %\) failed/m);
    expect(body).toMatch(/\| Rolled back: v2 at 0 % \(/);
    expect(body.match(/### Timeline/g)).toHaveLength(1);
    expect(lab.github.violations).toEqual([]);
    const shift = stepOf(run, 'production', 'shift-traffic');
    expect(shift?.outputs['outcome']).toBe('rolled-back');
    // Users saw the canary's share of errors only between the break and the rollback.
    expect(seen.failed).toBeGreaterThan(0);
    expect(seen.failed).toBeLessThan(seen.sent / 4);
    const toRollback = breaking.breakToRollbackMs();
    expect(toRollback).toBeDefined();
    // eslint-disable-next-line no-console -- the figures for the closing note
    console.log(
      `break at ${percent} %: ${seen.failed} of ${seen.sent} user requests failed; break → v1 100 % in ${Math.round(toRollback ?? 0)} ms; whole run ${Math.round(rolledBackAt - (breaking.brokeAt() ?? 0))} ms after the break`,
    );
  },
  120_000,
);

it('the hotfix path skips the soak, says so, and still gates production', async () => {
  const users = lab.users();
  const file = lab.caller(
    'release.yml',
    releaseCaller(lab, { hotfix: true, 'soak-duration': '24h', runner: 'haproxy-host' }),
  );
  const run = await lab.run(file, TAG_PUSH);
  await users.stop();
  expect(results(run)).toMatchObject({ staging: 'success', soak: 'skipped', production: 'success' });
  // runner: only the jobs that reach the platform move to it; the rest stay on runs-on.
  const ran = Object.entries(jobsOf(run)).filter(([, job]) => job.result !== 'skipped');
  expect(Object.fromEntries(ran.map(([id, job]) => [id, job.runsOn]))).toEqual({
    checklist: 'ubuntu-latest',
    staging: 'haproxy-host',
    production: 'haproxy-host',
  });
  expect(jobsOf(run)['production']?.steps[0]?.summary).toContain('### Hotfix v2.0.0');
  expect(callerOutputs(run)['outcome']).toBe('promoted');
  expect(
    lab.github.deployments.find((d) => d.environment === 'production')?.statuses.at(-1)?.description,
  ).toMatch(/hotfix, soak skipped/);
}, 120_000);

it('a soak that is still running stops the release before production, with its progress', async () => {
  // The monitor has run before (GitHub answers 404 for a workflow that never ran).
  lab.github.workflowRuns.push({
    workflow: 'staging-monitor.yml',
    created_at: new Date(Date.now() - 3_600_000).toISOString(),
    status: 'completed',
    conclusion: 'success',
  });
  const file = lab.caller(
    'release.yml',
    releaseCaller(lab, { 'soak-duration': '4h', 'soak-interval': '10m' }),
  );
  const run = await lab.run(file, TAG_PUSH);
  expect(results(run)).toMatchObject({
    staging: 'success',
    soak: 'failure',
    production: 'skipped',
    rollback: 'skipped',
    incident: 'skipped',
  });
  const soak = stepOf(run, 'soak', 'soak-gate');
  expect(soak?.outputs['status']).toBe('waiting');
  expect(soak?.log).toMatch(/soak [\d.]+m?s of 4h; 0 of 24 checks green/);
  expect(await lab.split(lab.production)).toEqual({ v1: 100 });
  expect(lab.github.issues).toEqual([]);
}, 120_000);

it('another rollout holding production stops this one as busy: no traffic moved, no rollback, no incident', async () => {
  // A run that is still going holds production: its deployment is in progress.
  lab.github.workflowRuns.push({
    id: 6900,
    workflow: 'release.yml',
    created_at: new Date().toISOString(),
    status: 'in_progress',
    conclusion: null,
  });
  lab.github.deployments.push({
    id: 1,
    sha: '0123456789abcdef0123456789abcdef01234567',
    ref: 'v1.9.0',
    environment: 'production',
    production: true,
    transient: false,
    created_at: new Date().toISOString(),
    statuses: [
      {
        created_at: new Date().toISOString(),
        state: 'in_progress',
        description: 'shift-traffic: rolling out',
        environment_url: '',
        log_url: 'https://github.com/acme/shop/actions/runs/6900',
      },
    ],
  });
  const file = lab.caller('release.yml', releaseCaller(lab, { hotfix: true }));
  const run = await lab.run(file, TAG_PUSH);
  expect(callerOutputs(run)['outcome']).toBe('busy');
  expect(results(run)).toMatchObject({ production: 'failure', rollback: 'skipped', incident: 'skipped' });
  expect(await lab.split(lab.production)).toEqual({ v1: 100 });
  expect(lab.github.issues).toEqual([]);
}, 120_000);

it('a release cancelled mid-rollout ends with production on v1 and the incident recorded', async () => {
  const users = lab.users();
  const cancel = new AbortController();
  const watch = setInterval(() => {
    void lab.split(lab.production).then((s) => (s['v2'] ?? 0) >= 50 && cancel.abort());
  }, 20);
  const file = lab.caller('release.yml', releaseCaller(lab, { hotfix: true }));
  const run = await lab.run(file, TAG_PUSH, { signal: cancel.signal });
  clearInterval(watch);
  const seen = await users.stop();
  expect(run.result).toBe('cancelled');
  expect(results(run)).toMatchObject({ staging: 'success', production: 'cancelled', incident: 'success' });
  expect(await lab.split(lab.production)).toEqual({ v1: 100 });
  expect(lab.github.issues).toHaveLength(1);
  const body = lab.github.issues[0]?.body ?? '';
  expect(body).toContain('The rollout of v2 over v1 ended **rolled back**: the run was cancelled');
  // Users lost nothing, and the incident says so in numbers.
  expect(body).toMatch(/^Impact: 0 of \d+ requests \(0 %\) failed while the rollout ran/m);
  expect(results(run)['rollback']).toBe('success');
  expect(seen.failed).toBe(0);
}, 120_000);

it('a Vercel team calling release.yml is sent to its own flow before anything deploys', async () => {
  const file = lab.caller('release.yml', releaseCaller(lab, { provider: 'vercel', hotfix: true }));
  const run = await lab.run(file, TAG_PUSH);
  expect(results(run)).toMatchObject({ staging: 'failure', production: 'skipped', rollback: 'skipped' });
  const check = jobsOf(run)['staging']?.steps[0];
  expect(check?.log).toContain(
    '::error::release.yml takes cloud-run, haproxy, kubernetes or local; Vercel releases through workflows-examples/vercel-rolling-release.yml',
  );
  const rest = jobsOf(run)['staging']?.steps.slice(1) ?? [];
  expect(rest.map((s) => s.outcome)).not.toContain('success');
  expect(await lab.split(lab.staging)).toEqual({ v1: 100 });
}, 60_000);
