/**
 * The Cloud Run path with the real gcloud CLI: its real requests go to a local
 * Cloud Run Admin API, and the canary's tag URL leads to a real local service.
 * gcloud takes about a second a call, so these tests are few.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCloudRunApi, type CloudRunApi } from '../support/cloud-run.js';
import { runAction } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

const SLOW = 120_000;

let api: CloudRunApi;
let v2: TestService;
const OLD = 'api-00001-abc';

beforeAll(async () => {
  v2 = await startService({ version: '2.0.0' });
});
afterAll(() => v2.close());
beforeEach(async () => {
  v2.setMode('ok');
  api = await startCloudRunApi('shop-prod', 'us-central1', mkdtempSync(path.join(tmpdir(), 'ra-gcloud-')));
  api.seed(
    'api',
    [{ name: OLD, image: 'us-docker.pkg.dev/shop-prod/app/api:1.0.0' }],
    [{ revisionName: OLD, percent: 100 }],
  );
  api.tagUrls['canary'] = v2.url;
});
afterEach(() => api.close());

const cloudRun = () => ({
  provider: 'cloud-run',
  'cloud-run-service': 'api',
  'cloud-run-region': 'us-central1',
  'cloud-run-project': 'shop-prod',
});
const gate = `[{name: canary-version, url: "\${CANARY_URL}/api/version", expect: {json: {version: "2.0.0"}}}]`;
const gcloud = (inputs: Record<string, string>, action: string) =>
  runAction(action, { inputs: { ...cloudRun(), ...inputs }, env: api.env, timeoutMs: 90_000 });

async function deployCanary() {
  const run = await gcloud(
    { image: 'us-docker.pkg.dev/shop-prod/app/api:2.0.0', probes: gate },
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
      expect(deployed).toMatchObject({ 'stable-revision': OLD, 'canary-url': v2.url });
      expect(api.traffic('api')).toEqual({ [OLD]: 100 });
      const put = api.requests.find((r) => r.method === 'PUT');
      expect(JSON.stringify(put?.body)).toContain('"tag":"canary"');

      const shifted = await gcloud(
        {
          'stable-revision': OLD,
          'canary-revision': canary,
          steps: '50,100',
          'step-duration': '1s',
          'check-interval': '500ms',
          probes: gate,
        },
        'shift-traffic',
      );
      expect(shifted.code).toBe(0);
      expect(shifted.outputs['outcome']).toBe('promoted');
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
          probes: gate,
        },
        'shift-traffic',
      );
      expect(shifted.code).toBe(1);
      expect(shifted.outputs['outcome']).toBe('rolled-back');
      expect(shifted.outputs['reason']).toMatch(/^probe canary-version: status 500/);
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
