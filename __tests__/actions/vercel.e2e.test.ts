/**
 * provider: vercel with the real vercel CLI (58.10.0) against a local Vercel API
 * (support/vercel-api.ts, vercel-rolling-release.ts). Each deployment's own address
 * is a real local service behind TLS, as Vercel serves deployments over https only,
 * with Deployment Protection when a test turns it on (vercel-edge.ts). The CLI takes
 * about a second a call, so these tests are few and long.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { get } from 'node:https';
import { promisify } from 'node:util';
import { exampleInSeconds, recipe } from '../support/recipes.js';
import { runWorkflow } from '../../tools/workflow-harness/index.js';
import {
  expectOneLineError,
  killedThenPost,
  maskedValues,
  node24,
  repoRoot,
  runAction,
  sealedStateOf,
  visibleLog,
} from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';
import { localCertificate, type LocalCertificate, type TlsFront } from '../support/tls-front.js';
import type { VercelApi } from '../support/vercel-api.js';
import { vercelEdge } from '../support/vercel-edge.js';
import type { ReleaseConfig } from '../support/vercel-rolling-release.js';
import {
  VERCEL_BYPASS as BYPASS,
  VERCEL_TOKEN as TOKEN,
  startShopApi,
  vercelCliEnv,
  vercelInputs,
} from '../support/vercel-step.js';

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
  // Protected while the test's project says so; read at each request, as api changes per test.
  const protection = () => (api as VercelApi | undefined)?.protectionBypass ?? null;
  fronts = [
    await vercelEdge(stable.url, certificate, protection),
    await vercelEdge(canary.url, certificate, protection),
    // A second staged deployment of the new version, at an address of its own.
    await vercelEdge(canary.url, certificate, protection),
  ];
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
    {
      id: 'dpl_old',
      url: 'shop-old-acme.vercel.app',
      target: 'production',
      readyState: 'READY',
      servedProduction: true,
    },
    { id: 'dpl_next', url: fronts[2]!.host, target: 'production', readyState: 'READY' },
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
const releaseMoves = () =>
  api.requests.filter((r) => !r.startsWith('GET') && /rolling-release\/|rollback/.test(r));
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
/** What a deployment's own address answers a request without the bypass. */
const statusAt = (host: string) =>
  new Promise<number>((resolve, reject) =>
    get(`https://${host}/api/version`, { ca: certificate.cert }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject),
  );
/** The real CLI, run by hand against the local API. */
const cli = (...args: string[]) =>
  promisify(execFile)('vercel', [...args, '--scope', 'acme', '--non-interactive', '--no-color'], {
    env: { ...process.env, ...env(), VERCEL_TOKEN: TOKEN, VERCEL_TELEMETRY_DISABLED: '1' },
  }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
const CONFIG_PATH = 'PATCH /v1/projects/prj_shop/rolling-release/config';

describe('vercel provider through the vercel CLI', () => {
  it(
    'deploy-canary checks the deployment and probes its own https address past Deployment Protection; no release starts',
    async () => {
      api.protectionBypass = BYPASS;
      expect(await statusAt(fronts[1]!.host)).toBe(401);
      const run = await vercel('deploy-canary', {
        'canary-revision': 'dpl_canary',
        'stable-revision': 'dpl_stable',
        'vercel-protection-bypass': BYPASS,
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
      expect(maskedValues(run)).toContain(BYPASS);
      expect(visibleLog(run)).not.toContain(BYPASS);
    },
    SLOW,
  );

  it(
    "vercel-rolling-release.yml's step releases through the plan's stages, approving each and completing at 100, and turns rolling releases back off",
    async () => {
      api.protectionBypass = BYPASS;
      const step = recipe('vercel-rolling-release.yml', 'shift-traffic');
      const run = await shift({
        ...step.with,
        // What the runner would expand, and minutes made seconds.
        'vercel-token': TOKEN,
        'vercel-protection-bypass': BYPASS,
        'stable-revision': 'dpl_stable',
        'canary-revision': 'dpl_canary',
        'step-duration': '2s',
        'check-interval': '500ms',
      });
      expect(run.stderr).toBe('');
      expect(run.outputs['outcome']).toBe('promoted');
      expect(api.production()).toBe('dpl_canary');
      const stages = api.rollingRelease.release?.['stages'] as { targetPercentage: number }[];
      expect(stages.map((s) => s.targetPercentage)).toEqual([10, 50, 100]);
      expect(releaseMoves()).toEqual([
        CONFIG_PATH,
        'POST /v1/projects/prj_shop/rolling-release/start',
        'POST /v1/projects/prj_shop/rolling-release/approve-stage',
        'POST /v1/projects/prj_shop/rolling-release/complete',
        // Off again, as it was: Git deploys go straight to production.
        CONFIG_PATH,
      ]);
      expect(api.rollingRelease.config).toBeNull();
      expect(canary.hits('/api/version')).toBeGreaterThan(0);
      expect(visibleLog(run)).not.toContain(TOKEN);
      expect(visibleLog(run)).not.toContain(BYPASS);

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
    'a canary breaking at 10 % is caught by its probes and the release aborted back to stable; production never moved',
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
        CONFIG_PATH,
        'POST /v1/projects/prj_shop/rolling-release/start',
        // A rollback TO stable: Vercel's rollback points production at the deployment it names.
        'POST /v9/projects/prj_shop/rollback/dpl_stable',
        CONFIG_PATH,
      ]);
      expect(api.rollingRelease.config).toBeNull();
      // The 60 s step never ran out: the probes caught the break between checks
      // (about 10 s of CLI calls on an idle machine, twice that on a busy one).
      expect(abortedAfterMs).toBeLessThan(45_000);
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
      api.protectionBypass = BYPASS;
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
          secrets: { VERCEL_TOKEN: TOKEN, VERCEL_AUTOMATION_BYPASS_SECRET: BYPASS },
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
        CONFIG_PATH,
        'POST /v1/projects/prj_shop/rolling-release/start',
        'POST /v9/projects/prj_shop/rollback/dpl_stable',
        CONFIG_PATH,
      ]);
      expect(api.rollingRelease.config).toBeNull();
      expect(shifted?.log).not.toContain(TOKEN);
      expect(shifted?.log).not.toContain(BYPASS);
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
      // What the killed run found is gone with it: the re-run says so rather than guess.
      expect(api.rollingRelease.config).not.toBeNull();
      expect(visibleLog(again)).toMatch(
        /::warning::.*rolling releases on shop are still as an earlier run of shift-traffic set them \(manual approval at 10%, 50%, 100%\).*vercel rolling-release configure --disable --project shop/,
      );
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
      expect(sealedStateOf(run)['phase']).toBe('shifting');
      expect(post.code).toBe(0);
      expect(visibleLog(post)).toContain('shift-traffic did not finish');
      // The post step reads the token too, and masks it itself.
      expect(maskedValues(post)).toContain(TOKEN);
      expect(api.rollingRelease.release?.['state']).toBe('ABORTED');
      expect(api.production()).toBe('dpl_stable');
      // The configuration the main step found came through GITHUB_STATE, and is back.
      expect(releaseMoves().slice(-2)).toEqual([
        'POST /v9/projects/prj_shop/rollback/dpl_stable',
        CONFIG_PATH,
      ]);
      expect(api.rollingRelease.config).toBeNull();
    },
    SLOW,
  );

  it(
    'Vercel refuses an instant rollback to a deployment that never served production, so a plain 100 % move promotes it',
    async () => {
      const refused = await cli('rollback', 'dpl_canary', '--yes');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('dpl_canary has never been aliased to a production domain');
      expect(api.production()).toBe('dpl_stable');

      const before = api.requests.length;
      const run = await shift({ steps: '100', 'step-duration': '1s' });
      expect(run.stderr).toBe('');
      expect(run.outputs['outcome']).toBe('promoted');
      expect(api.production()).toBe('dpl_canary');
      expect(api.requests).toContain('POST /v10/projects/prj_shop/promote/dpl_canary');
      // No release, so the project's configuration was never touched.
      const moved = api.requests.slice(before).filter((r) => r.startsWith('POST /v9/') || r === CONFIG_PATH);
      expect(moved).toEqual([]);
    },
    SLOW,
  );

  it(
    "a project's own rolling-release configuration is back as soon as the release starts; a plain 100 % move then completes the release Vercel starts",
    async () => {
      const own: ReleaseConfig = {
        target: 'production',
        stages: [{ targetPercentage: 5, duration: 30 }, { targetPercentage: 100 }],
        canaryResponseHeader: false,
      };
      api.rollingRelease.config = structuredClone(own);
      const run = await shift({ steps: '10,100' });
      expect(run.stderr).toBe('');
      expect(run.outputs['outcome']).toBe('promoted');
      expect(api.production()).toBe('dpl_canary');
      const stages = api.rollingRelease.release?.['stages'] as { targetPercentage: number }[];
      expect(stages.map((s) => s.targetPercentage)).toEqual([10, 100]);
      expect(releaseMoves()).toEqual([
        CONFIG_PATH,
        'POST /v1/projects/prj_shop/rolling-release/start',
        CONFIG_PATH,
        'POST /v1/projects/prj_shop/rolling-release/complete',
      ]);
      expect(api.rollingRelease.config).toEqual(own);

      // With releases enabled, promoting starts one at the project's first stage: it is completed.
      const before = api.requests.length;
      const next = await shift({
        'stable-revision': 'dpl_canary',
        'canary-revision': 'dpl_next',
        steps: '100',
        'step-duration': '1s',
      });
      expect(next.stderr).toBe('');
      expect(next.outputs['outcome']).toBe('promoted');
      expect(api.production()).toBe('dpl_next');
      const moved = api.requests.slice(before).filter((r) => !r.startsWith('GET'));
      expect(moved.filter((r) => /promote|rolling-release\/|rollback/.test(r))).toEqual([
        'POST /v10/projects/prj_shop/promote/dpl_next',
        'POST /v1/projects/prj_shop/rolling-release/complete',
      ]);
      expect(api.rollingRelease.config).toEqual(own);
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
      // No token and no VERCEL_TOKEN: never the CLI's "run `vercel login`".
      [
        'shift-traffic',
        { 'vercel-token': '' },
        'vercel-token',
        /is required with provider: vercel \(or VERCEL_TOKEN/,
      ],
      [
        'shift-traffic',
        { 'vercel-protection-bypass': 'not a secret' },
        'vercel-protection-bypass',
        /Protection Bypass for Automation secret/,
      ],
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
      expect(visibleLog(run)).not.toContain('not a secret');
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
