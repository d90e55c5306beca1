/**
 * The Cloud Run path with the real gcloud CLI: its real requests go to a local
 * Cloud Run Admin API, and the canary's tag URL leads to a real local service.
 * gcloud takes about a second a call, so these tests are few.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCloudRunApi, type CloudRunApi } from '../support/cloud-run.js';
import { expectOneLineError, runAction } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

const SLOW = 120_000;

let api: CloudRunApi;
let v1: TestService;
let v2: TestService;
const OLD = 'api-00001-abc';

beforeAll(async () => {
  v1 = await startService({ version: '1.0.0' });
  v2 = await startService({ version: '2.0.0' });
});
afterAll(async () => {
  await v1.close();
  await v2.close();
});
beforeEach(async () => {
  v2.setMode('ok');
  api = await startCloudRunApi('shop-prod', 'us-central1', mkdtempSync(path.join(tmpdir(), 'ra-gcloud-')));
  api.seed(
    'api',
    [{ name: OLD, image: 'us-docker.pkg.dev/shop-prod/app/api:1.0.0' }],
    [{ revisionName: OLD, percent: 100 }],
  );
  api.imageUrls['us-docker.pkg.dev/shop-prod/app/api:2.0.0'] = v2.url;
  api.revisionUrls[OLD] = v1.url;
});
afterEach(() => api.close());

/** Users of the service, 50 requests a second, until stopped; what each one got. */
function users(pathname = '/api/v1/machines') {
  const statuses: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      statuses.push(await api.userRequest('api', pathname));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    statuses,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const cloudRun = () => ({
  provider: 'cloud-run',
  'cloud-run-service': 'api',
  'cloud-run-region': 'us-central1',
  'cloud-run-project': 'shop-prod',
});
const gate = `[{name: canary-version, url: "\${CANARY_URL}/api/version", expect: {json: {version: "2.0.0"}}}]`;
const gcloud = (inputs: Record<string, string>, action: string) =>
  runAction(action, { inputs: { ...cloudRun(), ...inputs }, env: api.env, timeoutMs: 90_000 });

async function deployCanary(extra: Record<string, string> = {}) {
  const run = await gcloud(
    { image: 'us-docker.pkg.dev/shop-prod/app/api:2.0.0', probes: gate, ...extra },
    'deploy-canary',
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.outputs;
}

describe('cloud-run provider through gcloud', () => {
  it(
    'deploys with no traffic, probes the tag URL, shifts and promotes',
    async () => {
      const deployed = await deployCanary();
      const canary = deployed['canary-revision']!;
      expect(canary).toMatch(/^api-\d{5}-/);
      expect(deployed).toMatchObject({ 'stable-revision': OLD, 'canary-url': api.tagUrls['canary'] });
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
      const put = api.requests.find((r) => r.method === 'PUT');
      expect(JSON.stringify(put?.body)).toContain('"tag":"canary"');

      const traffic = users();
      const shifted = await gcloud(
        {
          'stable-revision': OLD,
          'canary-revision': canary,
          steps: '50,100',
          'step-duration': '1s',
          'check-interval': '500ms',
          'cloud-run-metrics-delay': '3s',
          probes: gate,
        },
        'shift-traffic',
      );
      await traffic.stop();
      expect(shifted.code).toBe(0);
      expect(shifted.outputs['outcome']).toBe('promoted');
      expect(traffic.statuses.filter((s) => s !== 200)).toEqual([]);
      // Each revision's counts were read from Cloud Monitoring with gcloud's token.
      expect(api.monitoring.queries.length).toBeGreaterThan(2);
      expect(new Set(api.monitoring.queries.map((q) => q.authorization))).toEqual(
        new Set(['Bearer test-token']),
      );
      expect(shifted.summary).toContain('Cloud Monitoring');
      expect(api.traffic('api')).toEqual({ [canary]: 100 });
      const sent = api.requests
        .filter((r) => r.method === 'PUT')
        .map((r) => JSON.stringify((r.body as { spec: { traffic: unknown } }).spec.traffic));
      expect(
        sent.some(
          (t) =>
            t.includes(`{"percent":50,"revisionName":"${canary}"}`) ||
            t.includes(`"revisionName":"${canary}","percent":50`),
        ),
      ).toBe(true);

      // And back by hand, to the previous revision the platform lists.
      const back = await gcloud({ reason: 'manual check' }, 'rollback');
      expect(back.code).toBe(0);
      expect(back.stdout).toContain(`The previous revision is ${OLD}`);
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
    },
    SLOW,
  );

  it(
    'deploy → failed gate → rollback to the stable revision',
    async () => {
      const deployed = await deployCanary();
      v2.setMode('error');
      const shifted = await gcloud(
        {
          'stable-revision': OLD,
          'canary-revision': deployed['canary-revision']!,
          steps: '50,100',
          'step-duration': '3s',
          'check-interval': '500ms',
          'cloud-run-metrics': 'false',
          probes: gate,
        },
        'shift-traffic',
      );
      expect(shifted.code).toBe(1);
      expect(shifted.outputs['outcome']).toBe('rolled-back');
      expect(shifted.outputs['reason']).toMatch(
        /^the probes failed 3 passes in a row: canary-version \(status 500/,
      );
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
    },
    SLOW,
  );

  it(
    'rollback without to-revision during a 90/10 split goes to stable, not to the revision before it',
    async () => {
      api.seed(
        'api',
        [
          { name: 'api-00001-old', image: 'us-docker.pkg.dev/shop-prod/app/api:0.9.0' },
          { name: OLD, image: 'us-docker.pkg.dev/shop-prod/app/api:1.0.0' },
          { name: 'api-00003-new', image: 'us-docker.pkg.dev/shop-prod/app/api:2.0.0' },
        ],
        [
          { revisionName: OLD, percent: 90 },
          { revisionName: 'api-00003-new', percent: 10 },
        ],
      );
      const back = await gcloud({ reason: 'canary looks wrong' }, 'rollback');
      expect(back.code).toBe(0);
      expect(back.stdout).toContain(`The previous revision is ${OLD}`);
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
    },
    SLOW,
  );

  it(
    'rollback without to-revision passes over a revision that never became Ready',
    async () => {
      api.seed(
        'api',
        [
          { name: OLD, image: 'us-docker.pkg.dev/shop-prod/app/api:1.0.0' },
          { name: 'api-00002-bad', image: 'us-docker.pkg.dev/shop-prod/app/api:1.1.0', ready: false },
          { name: 'api-00003-new', image: 'us-docker.pkg.dev/shop-prod/app/api:2.0.0' },
        ],
        [{ revisionName: 'api-00003-new', percent: 100 }],
      );
      const back = await gcloud({ reason: 'v2 is slow' }, 'rollback');
      expect(back.code).toBe(0);
      expect(back.stdout).toContain(`The previous revision is ${OLD}`);
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
    },
    SLOW,
  );

  it(
    "a first deploy, with no service yet, says what to do instead of passing on gcloud's error",
    async () => {
      const run = await gcloud(
        { 'cloud-run-service': 'new-api', image: 'us-docker.pkg.dev/shop-prod/app/api:1.0.0' },
        'deploy-canary',
      );
      expect(run.code).toBe(1);
      expect(
        run.stdout
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::')),
      ).toEqual([
        '::error::deploy-canary: Cloud Run has no service new-api in us-central1 (project shop-prod) yet: a canary starts next to a serving revision, so deploy the first one once yourself (gcloud run deploy new-api --image IMAGE --region us-central1), then release with deploy-canary',
      ]);
      expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    },
    SLOW,
  );

  it(
    "deploys the canary with the team's environment variables, secrets, labels and flags, each one argument to gcloud",
    async () => {
      await deployCanary({
        // A value with commas, and one with a delimiter gcloud would otherwise split on.
        'cloud-run-env-vars': 'API_BASE_URL=https://api.example.com/a,b\nFEATURES=checkout|search',
        'cloud-run-secrets': 'DB_PASSWORD=db-password:latest',
        'cloud-run-labels': 'team=checkout',
        'cloud-run-flags': '--cpu=2\n--memory=1Gi',
      });
      const put = api.requests.filter((r) => r.method === 'PUT').at(-1)?.body as {
        metadata: { labels?: Record<string, string> };
        spec: { template: { spec: { containers: { env?: unknown[]; resources?: unknown }[] } } };
      };
      const container = put.spec.template.spec.containers[0];
      expect(container?.env).toEqual(
        expect.arrayContaining([
          { name: 'API_BASE_URL', value: 'https://api.example.com/a,b' },
          { name: 'FEATURES', value: 'checkout|search' },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-password', key: 'latest' } } },
        ]),
      );
      expect(container?.resources).toMatchObject({ limits: { cpu: '2', memory: '1Gi' } });
      expect(put.metadata.labels).toMatchObject({ team: 'checkout' });
      // Still a canary: no traffic moved to it.
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
    },
    SLOW,
  );

  it('the local Cloud Run API refuses traffic that does not add up to 100 or names an unknown revision', async () => {
    const url = `http://127.0.0.1:${api.env['CLOUDSDK_PROXY_PORT']}/apis/serving.knative.dev/v1/namespaces/shop-prod/services/api`;
    const current = (await (await fetch(url)).json()) as { spec: Record<string, unknown> };
    const put = (traffic: unknown) =>
      fetch(url, { method: 'PUT', body: JSON.stringify({ ...current, spec: { ...current.spec, traffic } }) });
    const short = await put([{ revisionName: OLD, percent: 90 }]);
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: { message: string } }).error.message).toBe(
      'spec.traffic: Traffic targets sum to 90, want 100',
    );
    const unknown = await put([{ revisionName: 'api-00099-zzz', percent: 100 }]);
    expect(unknown.status).toBe(400);
    expect(api.traffic('api')).toEqual({ [OLD]: 100 });
  });
});

describe("Cloud Run's error-rate gate reads Cloud Monitoring", () => {
  const shift = (canary: string, inputs: Record<string, string> = {}) =>
    gcloud(
      {
        'stable-revision': OLD,
        'canary-revision': canary,
        steps: '50,100',
        'step-duration': '2s',
        'check-interval': '500ms',
        'cloud-run-metrics-delay': '3s',
        'min-requests': '10',
        probes: gate,
        ...inputs,
      },
      'shift-traffic',
    );

  it(
    'rolls back a canary whose users get 500s while its probes pass',
    async () => {
      const canary = (await deployCanary())['canary-revision']!;
      v2.setMode('users-error');
      const traffic = users();
      // The latency comparison asked for: Cloud Monitoring would count its pairs as users' answers.
      const shifted = await shift(canary, { 'max-latency-increase': '50ms' });
      await traffic.stop();
      expect(shifted.code).toBe(1);
      expect(shifted.outputs['outcome']).toBe('rolled-back');
      // Cloud Run counts what its tag URL serves: the passing probes are among the canary's requests.
      const [, failedCounted, counted] =
        /^canary 5xx rate [\d.]+% \((\d+)\/(\d+)\) over the 5\.0% limit/.exec(
          shifted.outputs['reason'] ?? '',
        )!;
      expect(Number(counted)).toBeGreaterThan(Number(failedCounted));
      expect(v2.hits('/')).toBe(0);
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
      // The probes passed all along: only the users' counts caught it.
      expect(v2.hits('/api/version')).toBeGreaterThan(0);
      expect(shifted.summary).toContain('up to 3s late');
      // Counted at 50 %, and nothing reached the canary once it was rolled back.
      const failed = traffic.statuses.filter((s) => s === 500).length;
      expect(failed).toBeGreaterThan(10);
    },
    SLOW,
  );

  it(
    "a canary whose requests never reach an instance is in nobody's count: rolled back once the delay has passed, not held",
    async () => {
      const canary = (await deployCanary())['canary-revision']!;
      // Its instances are gone (they could not start again): Cloud Run answers 503 and counts nothing.
      delete api.imageUrls['us-docker.pkg.dev/shop-prod/app/api:2.0.0'];
      const traffic = users();
      const shifted = await shift(canary, {
        probes: '',
        'step-duration': '10s',
        'cloud-run-metrics-delay': '2s',
      });
      await traffic.stop();
      expect(shifted.outputs['outcome']).toBe('rolled-back');
      expect(shifted.outputs['reason']).toMatch(
        /^the canary carries 50% of the traffic, yet the metrics counted 0 of its requests against \d+ of stable's .*not reaching an instance/,
      );
      expect(traffic.statuses).toContain(503);
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
      expect(shifted.summary).toContain('leaves out requests that never reached an instance');
    },
    SLOW,
  );

  it(
    'credentials that may not read metrics stop the start with one line naming cloud-run-metrics; no traffic moves',
    async () => {
      const canary = (await deployCanary())['canary-revision']!;
      api.monitoring.refuse(403);
      const before = api.requests.filter((r) => r.method === 'PUT').length;
      const shifted = await shift(canary);
      expect(shifted.code).toBe(1);
      expectOneLineError(shifted, 'cloud-run-metrics', /roles\/monitoring\.viewer.*no traffic was moved/);
      expect(api.requests.filter((r) => r.method === 'PUT').length).toBe(before);
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
    },
    SLOW,
  );

  it(
    'with no users at all, a step waits out the metrics delay and then holds rather than judging on no data',
    async () => {
      const canary = (await deployCanary())['canary-revision']!;
      const shifted = await shift(canary, { 'cloud-run-metrics-delay': '1s' });
      expect(shifted.outputs['outcome']).toBe('held');
      expect(shifted.outputs['reason']).toMatch(
        /including 1s more for the platform's late metrics; traffic stays at/,
      );
      expect(api.traffic('api')).toEqual({ [OLD]: 50, [canary]: 50 });
    },
    SLOW,
  );

  it(
    'a plain move with no analysis (staging: steps 100, step-duration 0s) needs no Cloud Monitoring access',
    async () => {
      const canary = (await deployCanary())['canary-revision']!;
      api.monitoring.refuse(403);
      const shifted = await shift(canary, { steps: '100', 'step-duration': '0s' });
      expect(shifted.outputs['outcome']).toBe('promoted');
      expect(api.monitoring.queries).toEqual([]);
    },
    SLOW,
  );

  it(
    'cloud-run-metrics: false gates on probes only and never asks Cloud Monitoring',
    async () => {
      const canary = (await deployCanary())['canary-revision']!;
      const shifted = await shift(canary, { 'cloud-run-metrics': 'false', 'step-duration': '1s' });
      expect(shifted.outputs['outcome']).toBe('promoted');
      expect(api.monitoring.queries).toEqual([]);
    },
    SLOW,
  );
});
