/**
 * provider: vercel with the real vercel CLI (58.10.0) against a local Vercel API
 * (support/vercel-api.ts, vercel-rolling-release.ts). Each deployment's own address
 * is a real local service behind TLS, as Vercel serves deployments over https only.
 * The CLI takes about a second a call, so these tests are few and long.
 */
import type { ChildProcess } from 'node:child_process';
import { exampleInSeconds, recipe } from '../support/recipes.js';
import { runWorkflow } from '../../tools/workflow-harness/index.js';
import {
  expectOneLineError,
  killedThenPost,
  maskedValues,
  node24,
  repoRoot,
  runAction,
  visibleLog,
} from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';
import { localCertificate, tlsFront, type LocalCertificate, type TlsFront } from '../support/tls-front.js';
import type { VercelApi } from '../support/vercel-api.js';
import { VERCEL_TOKEN as TOKEN, startShopApi, vercelCliEnv, vercelInputs } from '../support/vercel-step.js';

const SLOW = 180_000;

let certificate: LocalCertificate;
let stable: TestService;
let canary: TestService;
let fronts: TlsFront[];
let api: VercelApi;

beforeAll(async () => {
  certificate = localCertificate();
  stable = await startService({ version: '1.0.0' });
  canary = await startService({ version: '2.0.0' });
  fronts = [await tlsFront(stable.url, certificate), await tlsFront(canary.url, certificate)];
});
afterAll(async () => {
  for (const f of fronts) await f.close();
  await stable.close();
  await canary.close();
});
beforeEach(async () => {
  canary.setMode('ok');
  api = await startShopApi({ stable: fronts[0]!.host, canary: fronts[1]!.host }, [
    { id: 'dpl_preview', url: fronts[1]!.host, target: null, readyState: 'READY' },
    { id: 'dpl_old', url: 'shop-old-acme.vercel.app', target: 'production', readyState: 'READY' },
  ]);
});
afterEach(() => api.close());

const env = () => vercelCliEnv(api, certificate);
const vercel = (
  action: string,
  inputs: Record<string, string>,
  whileRunning?: (child: ChildProcess) => Promise<void>,
) =>
  runAction(action, {
    ...(whileRunning && { whileRunning }),
    inputs: { ...vercelInputs, ...inputs },
    env: env(),
    timeoutMs: 150_000,
  });
const canaryProbe = `[{name: canary-version, url: "\${CANARY_URL}/api/version", expect: {json: {version: "2.0.0"}}}]`;
/** The release's changes, in order (each preceded and followed by fetches). */
const releaseMoves = () => api.requests.filter((r) => /rolling-release\/|rollback/.test(r));
const shift = (inputs: Record<string, string> = {}, whileRunning?: (child: ChildProcess) => Promise<void>) =>
  vercel(
    'shift-traffic',
    {
      'stable-revision': 'dpl_stable',
      'canary-revision': 'dpl_canary',
      steps: '10,50,100',
      'step-duration': '2s',
      'check-interval': '500ms',
      probes: canaryProbe,
      ...inputs,
    },
    whileRunning,
  );
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 50));
};

describe('vercel provider through the vercel CLI', () => {
  it(
    'deploy-canary checks the deployment and probes its own https address; no release starts',
    async () => {
      const run = await vercel('deploy-canary', {
        'canary-revision': 'dpl_canary',
        'stable-revision': 'dpl_stable',
        probes: canaryProbe,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({
        'canary-revision': 'dpl_canary',
        'canary-url': `https://${fronts[1]!.host}`,
      });
      expect(canary.hits('/api/version')).toBeGreaterThan(0);
      expect(api.rollingRelease.started).toEqual([]);
      expect(visibleLog(run)).not.toContain(TOKEN);
    },
    SLOW,
  );

  it(
    "vercel-rolling-release.yml's step releases through the plan's stages, approving each and completing at 100",
    async () => {
      const step = recipe('vercel-rolling-release.yml', 'shift-traffic');
      const run = await shift({
        ...step.with,
        // What the runner would expand, and minutes made seconds.
        'vercel-token': TOKEN,
        'stable-revision': 'dpl_stable',
        'canary-revision': 'dpl_canary',
        'step-duration': '2s',
        'check-interval': '500ms',
      });
      expect(run.stderr).toBe('');
      expect(run.outputs['outcome']).toBe('promoted');
      expect(api.production()).toBe('dpl_canary');
      expect(api.rollingRelease.config?.stages.map((s) => s.targetPercentage)).toEqual([10, 50, 100]);
      expect(releaseMoves()).toEqual([
        'PATCH /v1/projects/prj_shop/rolling-release/config',
        'POST /v1/projects/prj_shop/rolling-release/start',
        'POST /v1/projects/prj_shop/rolling-release/approve-stage',
        'POST /v1/projects/prj_shop/rolling-release/complete',
      ]);
      expect(visibleLog(run)).not.toContain(TOKEN);

      // Once complete there is no release to abort: rollback moves production back itself.
      const back = await vercel('rollback', { 'to-revision': 'dpl_stable', reason: 'checkout errors' });
      expect(back.stderr).toBe('');
      expect(back.code).toBe(0);
      expect(api.production()).toBe('dpl_stable');
      expect(releaseMoves().at(-1)).toBe('POST /v9/projects/prj_shop/rollback/dpl_stable');

      // A deployment named by its host, as `vercel deploy` prints it without https://.
      const older = await vercel('rollback', {
        'to-revision': 'shop-old-acme.vercel.app',
        reason: 'older still',
      });
      expect(older.code).toBe(0);
      expect(api.production()).toBe('dpl_old');
      expect(older.outputs['split']).toBe(JSON.stringify({ 'shop-old-acme.vercel.app': 100 }));
    },
    SLOW,
  );

  it(
    'a canary breaking at 10 % is caught by its probes and the release aborted; production never moved',
    async () => {
      let brokeAt = 0;
      const run = await shift({ 'step-duration': '60s' }, async () => {
        await until(() => api.rollingRelease.release?.['state'] === 'ACTIVE');
        canary.setMode('error');
        brokeAt = performance.now();
      });
      const abortedAfterMs = performance.now() - brokeAt;
      expect(run.outputs['outcome']).toBe('rolled-back');
      expect(run.code).toBe(1);
      expect(api.rollingRelease.release?.['state']).toBe('ABORTED');
      expect(api.production()).toBe('dpl_stable');
      expect(releaseMoves()).toEqual([
        'PATCH /v1/projects/prj_shop/rolling-release/config',
        'POST /v1/projects/prj_shop/rolling-release/start',
        'POST /v9/projects/prj_shop/rollback/dpl_canary',
      ]);
      // The 60 s step never ran out: the probes caught the break between checks.
      expect(abortedAfterMs).toBeLessThan(20_000);
      expect(visibleLog(run)).not.toContain(TOKEN);
    },
    SLOW,
  );

  it(
    'vercel-rolling-release.yml as GitHub runs it, minutes made seconds: a canary breaking at 10 % is aborted and the job fails',
    async () => {
      const { workflow, bin, installed } = exampleInSeconds(
        'vercel-rolling-release.yml',
        [
          ['step-duration: 5m', 'step-duration: 2s'],
          ['check-interval: 30s', 'check-interval: 500ms'],
        ],
        'vercel@58.10.0',
      );
      const breaker = setInterval(() => {
        if (api.rollingRelease.release?.['state'] === 'ACTIVE') canary.setMode('error');
      }, 50);
      const run = await runWorkflow(
        workflow,
        { event: 'workflow_dispatch', inputs: { deployment: 'dpl_canary', previous: 'dpl_stable' } },
        {
          root: repoRoot,
          node: node24,
          repository: 'acme/shop',
          secrets: { VERCEL_TOKEN: TOKEN },
          env: { ...env(), PATH: `${bin}:${env().PATH}` },
        },
      );
      clearInterval(breaker);
      const job = run.jobs['release'];
      const shifted = job?.steps.find((step) => !step.post && step.uses?.includes('/shift-traffic@'));
      expect(installed()).toBe('install --global vercel@58.10.0\n');
      expect(job?.result).toBe('failure');
      expect(shifted?.outputs['outcome']).toBe('rolled-back');
      expect(shifted?.outputs['reason']).toMatch(/probes failed/);
      expect(api.production()).toBe('dpl_stable');
      expect(releaseMoves()).toEqual([
        'PATCH /v1/projects/prj_shop/rolling-release/config',
        'POST /v1/projects/prj_shop/rolling-release/start',
        'POST /v9/projects/prj_shop/rollback/dpl_canary',
      ]);
      expect(shifted?.log).not.toContain(TOKEN);
    },
    SLOW,
  );

  it(
    'dry-run reads Vercel and prints the plan; it changes nothing',
    async () => {
      const run = await shift({ 'dry-run': 'true' });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(visibleLog(run)).toContain('Step 1: the canary gets 10%.');
      expect(run.outputs['outcome']).toBe('dry-run');
      expect(api.requests.filter((r) => !r.startsWith('GET'))).toEqual([]);
    },
    SLOW,
  );

  it(
    'a re-run resumes the release where Vercel says it is, and finishes it',
    async () => {
      // The first run is stopped outright at 10 %, and its post step never runs.
      const first = await shift({ 'step-duration': '60s' }, async (child) => {
        await until(() => api.rollingRelease.release?.['state'] === 'ACTIVE');
        child.kill('SIGKILL');
      });
      expect(first.code).toBeNull();
      const again = await shift();
      expect(again.outputs['outcome']).toBe('promoted');
      expect(visibleLog(again)).toContain('Resuming at step');
      expect(api.rollingRelease.started).toEqual(['dpl_canary']);
      expect(api.production()).toBe('dpl_canary');
    },
    SLOW,
  );

  it(
    'when the main step is killed mid-release, the post step aborts the release',
    async () => {
      const inputs = {
        ...vercelInputs,
        'stable-revision': 'dpl_stable',
        'canary-revision': 'dpl_canary',
        steps: '10,50,100',
        'step-duration': '60s',
        probes: canaryProbe,
      };
      const { run, post } = await killedThenPost('shift-traffic', {
        inputs,
        env: env(),
        reached: () => api.rollingRelease.release?.['state'] === 'ACTIVE',
      });
      expect(run.code).toBeNull();
      expect(run.state['phase']).toBe('shifting');
      expect(post.code).toBe(0);
      expect(visibleLog(post)).toContain('shift-traffic did not finish');
      // The post step reads the token too, and masks it itself.
      expect(maskedValues(post)).toContain(TOKEN);
      expect(api.rollingRelease.release?.['state']).toBe('ABORTED');
      expect(api.production()).toBe('dpl_stable');
      expect(releaseMoves().at(-1)).toBe('POST /v9/projects/prj_shop/rollback/dpl_canary');
    },
    SLOW,
  );

  it('refuses bad inputs in one line before calling Vercel', async () => {
    const cases: [string, Record<string, string>, string, RegExp][] = [
      ['shift-traffic', { 'vercel-project': '' }, 'vercel-project', /is required with provider: vercel/],
      ['shift-traffic', { 'vercel-project': '--help' }, 'vercel-project', /Vercel project name/],
      ['deploy-canary', { 'vercel-domain': '' }, 'vercel-domain', /is required with provider: vercel/],
      ['shift-traffic', { 'vercel-domain': 'https://shop.example.com/' }, 'vercel-domain', /domain name/],
      ['rollback', { 'vercel-token': 'not a token' }, 'vercel-token', /access token/],
      ['deploy-canary', { 'initial-percent': '10' }, 'initial-percent', /must be 0 with provider vercel/],
      [
        'shift-traffic',
        { 'canary-revision': 'https://shop-canary-acme.vercel.app' },
        'canary-revision',
        /not a URL: a Vercel deployment is its dpl_ id, or its host without https:\/\//,
      ],
    ];
    for (const [action, inputs, input, says] of cases) {
      const run = await vercel(action, {
        'stable-revision': 'dpl_stable',
        'canary-revision': 'dpl_canary',
        'to-revision': 'dpl_stable',
        steps: '10,100',
        ...inputs,
      });
      expectOneLineError(run, input, says);
      expect(visibleLog(run)).not.toContain('not a token');
    }
    expect(api.requests).toEqual([]);
  });

  it(
    'refuses a preview deployment, which Vercel would rebuild rather than release; nothing starts',
    async () => {
      const run = await shift({ 'canary-revision': 'dpl_preview' });
      expect(run.code).toBe(1);
      expect(visibleLog(run).trim().split('\n').at(-1)).toMatch(
        /dpl_preview is a preview deployment; a rolling release needs a production one .*vercel deploy --prod --skip-domain/,
      );
      expect(run.stderr).toBe('');
      expect(releaseMoves()).toEqual([]);
    },
    SLOW,
  );

  it('without the vercel CLI on PATH, says so in one line', async () => {
    const run = await runAction('deploy-canary', {
      inputs: {
        provider: 'vercel',
        'vercel-project': 'shop',
        'vercel-domain': 'shop.example.com',
        'vercel-token': TOKEN,
        'canary-revision': 'dpl_canary',
      },
      env: { ...env(), PATH: '/usr/bin:/bin' },
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toBe(
      '::error::deploy-canary: vercel was not found on PATH: install it in an earlier step of the job',
    );
    expect(api.requests).toEqual([]);
  });

  it(
    'a token Vercel refuses is named in one line; nothing moves',
    async () => {
      const run = await shift({ 'vercel-token': 'vercelTokenRevoked999' });
      expect(run.code).toBe(1);
      const log = visibleLog(run).trim().split('\n');
      expect(log.at(-1)).toMatch(/^::error.*vercel could not read the rolling release of shop: /);
      expect(visibleLog(run)).not.toContain('vercelTokenRevoked999');
      expect(releaseMoves()).toEqual([]);
    },
    SLOW,
  );
});
