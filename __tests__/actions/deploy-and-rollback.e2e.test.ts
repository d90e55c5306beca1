/**
 * dist/deploy-canary and dist/rollback as the runner runs them, against real
 * HAProxy and real services; and the three traffic actions chained as a release.
 */
import { haproxyProvider } from '../../shared/adapters/providers/haproxy.js';
import { startHaproxy, type RunningHaproxy } from '../support/haproxy.js';
import { startLoad } from '../support/load.js';
import { runAction, visibleLog } from '../support/run-action.js';
import { startService, startTwoVersions, type TestService } from '../support/service.js';

let v1: TestService;
let v2: TestService;
let parked: TestService;
let proxy: RunningHaproxy;

beforeAll(async () => {
  ({ v1, v2 } = await startTwoVersions());
  parked = await startService({ version: '0.9.0' });
});
afterAll(async () => Promise.all([v1.close(), v2.close(), parked.close()]));
beforeEach(async () => {
  v1.setMode('ok');
  v2.setMode('ok');
  // green starts out pointing at an old build, as after the previous release.
  proxy = await startHaproxy({ blue: { url: v1.url, weight: 100 }, green: { url: parked.url, weight: 0 } });
});
afterEach(() => proxy.stop());

const router = () => haproxyProvider({ socket: proxy.socket, backend: proxy.backend });
const reach = () => ({
  provider: 'haproxy',
  'haproxy-socket': proxy.socket,
  'haproxy-backend': proxy.backend,
});
const address = (service: TestService) => new URL(service.url).host;
const canaryProbes = `[{name: canary-version, url: "\${CANARY_URL}/api/version", expect: {json: {version: "2.0.0"}}}]`;

describe('deploy-canary', () => {
  it('points the canary at the new version and probes it before any traffic', async () => {
    const before = v2.hits('/api/version');
    const run = await runAction('deploy-canary', {
      inputs: { ...reach(), 'canary-revision': 'green', 'canary-address': address(v2), probes: canaryProbes },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      'canary-revision': 'green',
      'stable-revision': 'blue',
      'canary-url': v2.url,
      split: '{"blue":100}',
    });
    expect(v2.hits('/api/version') - before).toBe(1);
    expect(await router().readSplit()).toEqual({ blue: 100 });
    expect((await router().listRevisions()).find((r) => r.name === 'green')?.url).toBe(v2.url);
  });

  it('gives a canary that fails its probes no traffic at all', async () => {
    v2.setMode('error');
    const run = await runAction('deploy-canary', {
      inputs: {
        ...reach(),
        'canary-revision': 'green',
        'canary-address': address(v2),
        probes: canaryProbes,
        'initial-percent': '10',
      },
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toContain(
      '::error::green failed its probes before any traffic reached it: canary-version (status 500, expected 2xx; JSON version is missing); it still has no traffic',
    );
    expect(await router().readSplit()).toEqual({ blue: 100 });
  });

  it('can start the canary with a small share', async () => {
    const run = await runAction('deploy-canary', {
      inputs: {
        ...reach(),
        'canary-revision': 'green',
        'canary-address': address(v2),
        'initial-percent': '10',
      },
    });
    expect(run.code).toBe(0);
    expect(await router().readSplit()).toEqual({ blue: 90, green: 10 });
  });

  it('refuses to deploy over a revision that serves traffic, changing nothing', async () => {
    await router().setSplit({ blue: 80, green: 20 });
    const run = await runAction('deploy-canary', {
      inputs: { ...reach(), 'canary-revision': 'green', 'canary-address': address(v2) },
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toBe(
      '::error::deploy-canary: green serves 20% of traffic (blue 80% / green 20%); deploying over it would change what users get. Roll back or finish that rollout first.',
    );
    expect((await router().listRevisions()).find((r) => r.name === 'green')?.url).toBe(parked.url);
  });
});

describe('rollback', () => {
  it('returns all traffic to the named revision at once and verifies it', async () => {
    await router().setSplit({ blue: 50, green: 50 });
    const run = await runAction('rollback', {
      inputs: {
        ...reach(),
        'to-revision': 'blue',
        reason: 'error rate over 5%',
        probes: `[{name: stable, url: "\${TARGET_URL}/health"}]`,
      },
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      outcome: 'rolled-back',
      split: '{"blue":100}',
      'previous-split': '{"blue":50,"green":50}',
      verified: 'true',
    });
    expect(await router().readSplit()).toEqual({ blue: 100 });
    expect(run.summary).toContain('- Reason: error rate over 5%');
  });

  it('is a no-op that says so when the revision already has all traffic', async () => {
    const run = await runAction('rollback', { inputs: { ...reach(), 'to-revision': 'blue' } });
    expect(run.code).toBe(0);
    expect(run.outputs['outcome']).toBe('nothing-to-do');
    expect(run.stdout).toContain('blue already has all traffic; nothing to do');
  });

  it('rolls back partially on request (90/10, as runbook 000 suggests)', async () => {
    await router().setSplit({ green: 100 });
    const run = await runAction('rollback', { inputs: { ...reach(), 'to-revision': 'blue', percent: '90' } });
    expect(run.code).toBe(0);
    expect(await router().readSplit()).toEqual({ blue: 90, green: 10 });
  });

  it('fails when the revision it returned to fails its probes, but keeps the traffic there', async () => {
    await router().setSplit({ green: 100 });
    v1.setMode('error');
    const run = await runAction('rollback', {
      inputs: { ...reach(), 'to-revision': 'blue', probes: `[{name: stable, url: "\${TARGET_URL}/health"}]` },
    });
    expect(run.code).toBe(1);
    expect(run.outputs['verified']).toBe('false');
    expect(await router().readSplit()).toEqual({ blue: 100 });
  });
});

describe('a release: deploy-canary → shift-traffic → rollback by hand', () => {
  it('runs end to end on real traffic', async () => {
    const load = startLoad(`${proxy.url}/health`, 100);
    const deployed = await runAction('deploy-canary', {
      inputs: { ...reach(), 'canary-revision': 'green', 'canary-address': address(v2), probes: canaryProbes },
    });
    expect(deployed.code).toBe(0);
    const shifted = await runAction('shift-traffic', {
      inputs: {
        ...reach(),
        'stable-revision': deployed.outputs['stable-revision']!,
        'canary-revision': deployed.outputs['canary-revision']!,
        steps: '25,100',
        'step-duration': '1s',
        'check-interval': '250ms',
        'min-requests': '5',
        probes: canaryProbes,
      },
    });
    expect(shifted.code).toBe(0);
    expect(await router().readSplit()).toEqual({ green: 100 });
    const stats = await load.stop();
    expect(stats.failed).toBe(0);
    const back = await runAction('rollback', {
      inputs: { ...reach(), 'to-revision': 'blue', reason: 'manual' },
    });
    expect(back.code).toBe(0);
    expect(await router().readSplit()).toEqual({ blue: 100 });
  });
});
