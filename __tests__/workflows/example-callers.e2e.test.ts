/**
 * The example callers in workflows-examples/ run as written, through the workflow
 * harness: release-on-tag.yml (Cloud Run, google-github-actions/auth with OIDC)
 * against a local Cloud Run API driven by the real gcloud CLI.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runWorkflow, type Trigger } from '../../tools/workflow-harness/index.js';
import { startCloudRunApi, type CloudRunApi } from '../support/cloud-run.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { RELEASE_FILES } from '../support/release-lab.js';
import { node24, repoRoot } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

let cloudRun: CloudRunApi;
let github: GitHubApi;
let v2: TestService;
const OLD = 'machinemate-api-00001-abc';
beforeEach(async () => {
  cloudRun = await startCloudRunApi(
    'machinemate-prod',
    'us-central1',
    mkdtempSync(path.join(tmpdir(), 'ra-gcloud-')),
  );
  for (const service of ['machinemate-api-staging', 'machinemate-api'])
    cloudRun.seed(
      service,
      [{ name: `${service}-00001-abc`, image: 'us-central1-docker.pkg.dev/machinemate-prod/app/api:v1.9.0' }],
      [{ revisionName: `${service}-00001-abc`, percent: 100 }],
    );
  v2 = await startService({ version: '2.0.0' });
  cloudRun.imageUrls['us-central1-docker.pkg.dev/machinemate-prod/app/api:v2.0.0'] = v2.url;
  github = await startGitHubApi('acme', 'machinemate');
});
/** An example caller exactly as written, with the secrets a user would have set. */
const runExample = (file: string, trigger: Trigger) =>
  runWorkflow(path.join(repoRoot, 'workflows-examples', file), trigger, {
    root: repoRoot,
    node: node24,
    repository: 'acme/machinemate',
    repositoryFiles: RELEASE_FILES,
    env: { ...cloudRun.env, GITHUB_API_URL: github.url },
    token: github.token,
    secrets: {
      GCP_WORKLOAD_IDENTITY_PROVIDER:
        'projects/123456789/locations/global/workloadIdentityPools/github/providers/machinemate',
      GCP_SERVICE_ACCOUNT: 'release@machinemate-prod.iam.gserviceaccount.com',
    },
  });
afterEach(async () => Promise.all([cloudRun.close(), github.close(), v2.close()]));

it('release-on-tag.yml, dispatched as a hotfix: a canary that breaks in production is rolled back on Cloud Run, one incident', async () => {
  const breaker = setInterval(() => {
    if ((cloudRun.traffic('machinemate-api')[OLD] ?? 100) < 100) v2.setMode('error');
  }, 50);
  const run = await runExample('release-on-tag.yml', {
    event: 'workflow_dispatch',
    inputs: { version: 'v2.0.0', hotfix: true },
    ref: 'refs/tags/v2.0.0',
  });
  clearInterval(breaker);
  const jobs = run.jobs['release']?.called?.jobs ?? {};
  expect(Object.fromEntries(Object.entries(jobs).map(([id, j]) => [id, j.result]))).toMatchObject({
    checklist: 'success',
    staging: 'success',
    soak: 'skipped',
    production: 'failure',
    incident: 'success',
  });
  expect(run.jobs['release']?.outputs['outcome']).toBe('rolled-back');
  expect(cloudRun.traffic('machinemate-api')).toEqual({ [OLD]: 100 });
  expect(github.issues).toHaveLength(1);
  // The OIDC auth step ran in every job that reached Cloud Run, under id-token: write.
  for (const id of ['staging', 'production', 'rollback'])
    expect(jobs[id]?.steps.find((s) => s.uses?.startsWith('google-github-actions/auth@'))?.outcome).toBe(
      'success',
    );
  const shift = jobs['production']?.steps.find((s) => !s.post && s.uses?.includes('/shift-traffic@'));
  expect(shift?.log).toMatch(
    /Rolled back to machinemate-api-00001-abc: the probes failed 3 passes in a row: health \(status 500/,
  );
  expect(github.violations).toEqual([]);
}, 180_000);

it('rollback-dispatch.yml, dispatched from the Actions tab: production back to the previous Cloud Run revision, recorded', async () => {
  cloudRun.seed(
    'machinemate-api',
    [
      { name: OLD, image: 'us-central1-docker.pkg.dev/machinemate-prod/app/api:v1.9.0' },
      {
        name: 'machinemate-api-00002-new',
        image: 'us-central1-docker.pkg.dev/machinemate-prod/app/api:v2.0.0',
      },
    ],
    [{ revisionName: 'machinemate-api-00002-new', percent: 100 }],
  );
  const v1 = await startService({ version: '1.9.0' });
  cloudRun.serviceUrls['machinemate-api'] = v1.url;
  const run = await runExample('rollback-dispatch.yml', {
    event: 'workflow_dispatch',
    inputs: { environment: 'production', reason: 'checkout 500s after v2.0.0' },
    actor: 'oncall-amy',
  });
  const jobs = run.jobs['rollback']?.called?.jobs ?? {};
  // The probe after the rollback reached production through the service's own URL.
  expect(jobs['rollback']?.steps.find((s) => s.uses?.includes('/rollback@'))?.outputs['verified']).toBe(
    'true',
  );
  expect(v1.hits('/health')).toBeGreaterThan(0);
  expect(jobs['rollback']?.environment).toBe('production');
  expect(cloudRun.traffic('machinemate-api')).toEqual({ [OLD]: 100 });
  expect(github.issues[0]?.title).toBe('machinemate-api (production) rolled back by hand');
  expect(github.issues[0]?.body).toContain(`Rollback by oncall-amy: success, traffic now ${OLD} 100%`);
  expect(github.violations).toEqual([]);
  await v1.close();
}, 120_000);
