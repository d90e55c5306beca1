/**
 * .github/workflows/healthcheck.yml and rollback.yml as GitHub runs them, called the
 * way the README shows: a monitor on a schedule whose runs share the repository's
 * Actions cache, and a rollback dispatched from the Actions tab.
 */
import type { WorkflowResult } from '../../tools/workflow-harness/index.js';
import path from 'node:path';
import { RELEASE_FILES, startReleaseLab, type ReleaseLab } from '../support/release-lab.js';
import { repoRoot } from '../support/run-action.js';
import { startVercelApi } from '../support/vercel-api.js';
import { startExpoApi } from '../support/expo-api.js';

let lab: ReleaseLab;
beforeEach(async () => (lab = await startReleaseLab()));
afterEach(async () => lab.close());

const monitorCaller = {
  name: 'monitor',
  on: { schedule: [{ cron: '*/10 * * * *' }], workflow_dispatch: null },
  permissions: { actions: 'read', issues: 'write' },
  jobs: {
    monitor: {
      uses: 'acme/release-actions/.github/workflows/healthcheck.yml@v1',
      with: {
        service: 'shop',
        environment: 'production',
        'consecutive-failures': 2,
        samples: 1,
        'runs-on': 'ubuntu-24.04',
        probes: '- name: health\n  url: ${PROBE_BASE_URL}/health\n',
      },
      secrets: { 'probe-base-url': '${{ secrets.SHOP_URL }}' },
    },
  },
};

describe('the 10-minute monitor (healthcheck.yml)', () => {
  it('down, down → one incident after consecutive-failures, up → resolved, then silent', async () => {
    const file = lab.caller('monitor.yml', monitorCaller);
    let runId = 8000;
    const scheduled = async () => {
      const id = ++runId;
      const before = lab.github.requests.length;
      // GitHub lists the run among the workflow's runs while it runs, then finished.
      const listed = {
        id,
        workflow: 'monitor.yml',
        created_at: new Date().toISOString(),
        status: 'in_progress' as 'in_progress' | 'completed',
        conclusion: null as 'success' | 'failure' | null,
      };
      lab.github.workflowRuns.push(listed);
      const run = await lab.run(
        file,
        { event: 'schedule', runId: id },
        { secrets: { SHOP_URL: lab.production.url } },
      );
      Object.assign(listed, { status: 'completed', conclusion: run.result });
      return { run, requests: lab.github.requests.length - before };
    };
    const steps = (run: WorkflowResult) => run.jobs['monitor']?.called?.jobs['probe']?.steps ?? [];

    lab.v1.setMode('error');
    const first = await scheduled();
    expect(first.run.result).toBe('failure');
    expect(lab.github.issues).toHaveLength(0);
    expect(steps(first.run).find((s) => s.id === 'incident')?.log).toMatch(/failed check 1 of 2 in a row/);
    expect(first.run.jobs['monitor']?.called?.jobs['probe']?.runsOn).toBe('ubuntu-24.04');

    const second = await scheduled();
    expect(second.run.result).toBe('failure');
    expect(lab.github.issues).toHaveLength(1);
    expect(lab.github.issues[0]).toMatchObject({ state: 'open' });
    // The state the cache carried from the first run to the second.
    expect(steps(second.run).find((s) => s.id === 'state')?.outputs).toEqual({ last: 'open' });

    lab.v1.setMode('ok');
    const third = await scheduled();
    expect(third.run.result).toBe('success');
    expect(lab.github.issues[0]).toMatchObject({ state: 'closed' });

    const fourth = await scheduled();
    expect(fourth.run.result).toBe('success');
    expect(steps(fourth.run).find((s) => s.id === 'incident')?.outcome).toBe('skipped');
    expect(fourth.requests).toBe(0);
    expect(lab.github.issues).toHaveLength(1);
    expect(lab.github.violations).toEqual([]);
    // The probe URL came from a secret: masked in every log.
    for (const step of steps(second.run)) expect(step.log).not.toContain(lab.production.url);
  }, 120_000);
});

describe('monitors of two services keep their own state', () => {
  it('the monitor of "shop" never restores the state of "shop-gateway" (a cache-key prefix collision)', async () => {
    const caller = (service: string) =>
      lab.caller(`monitor-${service}.yml`, {
        ...monitorCaller,
        jobs: {
          monitor: {
            ...monitorCaller.jobs.monitor,
            with: { ...monitorCaller.jobs.monitor.with, service, 'consecutive-failures': 1 },
          },
        },
      });
    const state = (run: WorkflowResult) =>
      run.jobs['monitor']?.called?.jobs['probe']?.steps.find((s) => s.id === 'state')?.outputs;
    lab.v1.setMode('error');
    const gateway = await lab.run(
      caller('shop-gateway'),
      { event: 'schedule', runId: 9101 },
      { secrets: { SHOP_URL: lab.production.url } },
    );
    expect(gateway.result).toBe('failure');
    lab.v1.setMode('ok');
    const shop = await lab.run(
      caller('shop'),
      { event: 'schedule', runId: 9102 },
      { secrets: { SHOP_URL: lab.production.url } },
    );
    expect(state(shop)).toEqual({ last: 'unknown' });
  }, 120_000);
});

describe('a rollback dispatched by hand (rollback.yml)', () => {
  const rollbackCaller = (lab: ReleaseLab) => ({
    name: 'rollback',
    on: {
      workflow_dispatch: {
        inputs: {
          environment: { type: 'choice', options: ['production', 'staging'], required: true },
          'target-revision': { required: false, default: '' },
          reason: { required: true },
        },
      },
    },
    permissions: { contents: 'read', issues: 'write', deployments: 'write', 'id-token': 'write' },
    jobs: {
      rollback: {
        uses: 'acme/release-actions/.github/workflows/rollback.yml@v1',
        with: {
          environment: '${{ inputs.environment }}',
          'target-revision': '${{ inputs.target-revision }}',
          reason: '${{ inputs.reason }}',
          service: 'shop',
          provider: 'local',
          target: `\${{ inputs.environment == 'production' && '${lab.production.url}' || '${lab.staging.url}' }}`,
          probes: '- name: health\n  url: ${TARGET_URL}/health\n',
          'runs-on': '["self-hosted", "linux", "x64"]',
        },
      },
    },
  });

  const put = async (url: string, path: string, body: unknown, method = 'PUT') =>
    fetch(`${url}/__release-actions${path}`, { method, body: JSON.stringify(body) });

  it('to the previous revision, verified by its probes and recorded as an incident', async () => {
    await put(lab.production.url, '/revisions', { name: 'v2', url: lab.v2.url }, 'POST');
    await put(lab.production.url, '/split', { v2: 100 });
    const file = lab.caller('rollback.yml', rollbackCaller(lab));
    const run = await lab.run(file, {
      event: 'workflow_dispatch',
      inputs: { environment: 'production', reason: 'checkout errors after v2' },
      actor: 'oncall-amy',
    });
    expect(run.result).toBe('success');
    expect(await lab.split(lab.production)).toEqual({ v1: 100 });
    expect(run.jobs['rollback']?.called?.jobs['rollback']?.outputs).toEqual({ split: 'v1 100%' });
    const ran = Object.values(run.jobs['rollback']?.called?.jobs ?? {}).filter((j) => j.result !== 'skipped');
    expect(ran.map((job) => job.runsOn)).toEqual(ran.map(() => ['self-hosted', 'linux', 'x64']));
    expect(ran.length).toBeGreaterThan(0);
    expect(lab.github.issues).toHaveLength(1);
    expect(lab.github.issues[0]?.title).toBe('shop (production) rolled back by hand');
    expect(lab.github.issues[0]?.body).toContain('Rollback by oncall-amy: success, traffic now v1 100%');
    const production = lab.github.deployments.filter((d) => d.environment === 'production');
    expect(production.at(-1)?.statuses.at(-1)?.state).toBe('success');
    expect(lab.github.violations).toEqual([]);
  }, 60_000);

  it('to a named revision, not the previous one', async () => {
    await put(lab.production.url, '/revisions', { name: 'v2', url: lab.v2.url }, 'POST');
    await put(lab.production.url, '/revisions', { name: 'v3', url: lab.v2.url }, 'POST');
    await put(lab.production.url, '/split', { v3: 100 });
    // A Supabase-style service answers probes only with its apikey, from a secret.
    const caller = rollbackCaller(lab);
    Object.assign(caller.jobs.rollback, { secrets: { 'probe-api-key': '${{ secrets.SUPABASE_ANON_KEY }}' } });
    caller.jobs.rollback.with.probes =
      '- name: health\n  url: ${TARGET_URL}/health\n  headers: {apikey: "${PROBE_API_KEY}"}\n';
    const file = lab.caller('rollback.yml', caller);
    const run = await lab.run(
      file,
      {
        event: 'workflow_dispatch',
        inputs: { environment: 'production', 'target-revision': 'v1', reason: 'v2 and v3 both bad' },
      },
      { secrets: { SUPABASE_ANON_KEY: 'sb-anon-key-0123456789' } },
    );
    expect(run.errors).toEqual([]);
    expect(run.result).toBe('success');
    const verified = run.jobs['rollback']?.called?.jobs['rollback']?.steps.find((s) => s.id === 'rollback');
    expect(verified?.log).not.toContain('sb-anon-key-0123456789');
    expect(await lab.split(lab.production)).toEqual({ v1: 100 });
  }, 60_000);

  it('on Vercel: the vercel CLI moves production back, and the rollback is recorded', async () => {
    const vercel = await startVercelApi({
      token: 'vercelToken0123456789',
      domain: 'shop.example.com',
      production: 'dpl_new',
      deployments: [
        // It served production before dpl_new: Vercel rolls back only to such a deployment.
        {
          id: 'dpl_old',
          url: 'shop-old-acme.vercel.app',
          target: 'production',
          readyState: 'READY',
          servedProduction: true,
        },
        { id: 'dpl_new', url: 'shop-new-acme.vercel.app', target: 'production', readyState: 'READY' },
      ],
    });
    try {
      const caller = rollbackCaller(lab);
      const job = caller.jobs.rollback as { with: Record<string, string>; secrets?: Record<string, string> };
      Object.assign(job.with, {
        provider: 'vercel',
        target: 'shop',
        'vercel-domain': 'shop.example.com',
        'vercel-scope': 'acme',
        probes: '',
      });
      job.secrets = { 'vercel-token': '${{ secrets.VERCEL_TOKEN }}' };
      const run = await lab.run(
        lab.caller('rollback.yml', caller),
        {
          event: 'workflow_dispatch',
          inputs: { environment: 'production', 'target-revision': 'dpl_old', reason: 'checkout errors' },
        },
        {
          secrets: { VERCEL_TOKEN: 'vercelToken0123456789' },
          env: {
            GITHUB_API_URL: lab.github.url,
            HOME: vercel.home,
            PATH: `${path.join(repoRoot, 'node_modules', '.bin')}:${process.env['PATH']}`,
          },
        },
      );
      expect(run.result).toBe('success');
      expect(vercel.production()).toBe('dpl_old');
      expect(vercel.requests).toContain('POST /v9/projects/prj_shop/rollback/dpl_old');
      expect(run.jobs['rollback']?.called?.jobs['rollback']?.outputs).toEqual({ split: 'dpl_old 100%' });
      expect(lab.github.issues[0]?.body).toContain('traffic now dpl_old 100%');
    } finally {
      await vercel.close();
    }
  }, 120_000);

  it('on EAS Update: eas republishes the previous update group on the branch, and the rollback is recorded', async () => {
    const old = '11111111-1111-4111-8111-111111111111';
    const expo = await startExpoApi({
      token: 'expoToken0123456789',
      projectId: '6a1b0c2d-0000-4000-8000-000000000001',
      groups: [
        ['production', old, 'v1'],
        ['production', '22222222-2222-4222-8222-222222222222', 'v2'],
      ],
    });
    try {
      const caller = rollbackCaller(lab);
      const job = caller.jobs.rollback as { with: Record<string, string>; secrets?: Record<string, string> };
      Object.assign(job.with, { provider: 'eas-update', target: 'production', probes: '' });
      job.secrets = { 'expo-token': '${{ secrets.EXPO_TOKEN }}' };
      const run = await lab.run(
        lab.caller('rollback.yml', caller),
        {
          event: 'workflow_dispatch',
          inputs: { environment: 'production', 'target-revision': old, reason: 'crashes on launch' },
        },
        {
          secrets: { EXPO_TOKEN: 'expoToken0123456789' },
          repositoryFiles: { ...RELEASE_FILES, ...expo.files },
          env: {
            GITHUB_API_URL: lab.github.url,
            HOME: expo.home,
            EXPO_LOCAL: '1',
            PATH: `${path.join(repoRoot, 'node_modules', '.bin')}:${process.env['PATH']}`,
          },
        },
      );
      expect(run.result).toBe('success');
      expect(expo.groupsOn('production')[0]).toMatchObject({
        bundle: 'v1',
        message: `release-actions: rollback to ${old}`,
      });
      expect(run.jobs['rollback']?.called?.jobs['rollback']?.outputs).toEqual({ split: `${old} 100%` });
      expect(lab.github.issues[0]?.body).toContain(`traffic now ${old} 100%`);
    } finally {
      await expo.close();
    }
  }, 200_000);

  it('refuses a dispatch without the required reason before any job runs', async () => {
    const file = lab.caller('rollback.yml', rollbackCaller(lab));
    const run = await lab.run(file, { event: 'workflow_dispatch', inputs: { environment: 'production' } });
    expect(run.result).toBe('failure');
    expect(run.errors).toEqual(["Input 'reason' is required"]);
    expect(run.jobs).toEqual({});
  });
});
