/**
 * The rehearsal path: the bundled local router (dist/local-router) in front of two
 * real services, driven by the bundled shift-traffic and rollback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { localProvider } from '../../shared/adapters/providers/local.js';
import { startLoad } from '../support/load.js';
import { node24, repoRoot, runAction } from '../support/run-action.js';
import { startTwoVersions, type TestService } from '../support/service.js';

let v1: TestService;
let v2: TestService;
let router: ChildProcess;
let routerUrl: string;

beforeAll(async () => ({ v1, v2 } = await startTwoVersions()));
afterAll(() => Promise.all([v1.close(), v2.close()]));
beforeEach(async () => {
  v2.setMode('ok');
  router = spawn(
    node24,
    [
      path.join(repoRoot, 'dist', 'local-router', 'index.js'),
      '--revision',
      `v1=${v1.url}`,
      '--revision',
      `v2=${v2.url}`,
      '--split',
      'v1=100',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  routerUrl = await new Promise<string>((resolve) =>
    router.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
});
afterEach(async () => {
  const exited = new Promise((r) => router.once('exit', r));
  router.kill('SIGTERM');
  await exited;
});

const inputs = (extra: Record<string, string> = {}) => ({
  provider: 'local',
  'local-router-url': routerUrl,
  'stable-revision': 'v1',
  'canary-revision': 'v2',
  steps: '10,50,100',
  'step-duration': '1s',
  'check-interval': '250ms',
  'min-requests': '5',
  ...extra,
});

describe('local rehearsal router', () => {
  it('prints its address and serves the split it starts with', async () => {
    expect(routerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await localProvider(routerUrl).readSplit()).toEqual({ v1: 100 });
  });

  it('promotes a healthy canary under load', async () => {
    const load = startLoad(`${routerUrl}/health`, 100);
    const run = await runAction('shift-traffic', { inputs: inputs() });
    expect((await load.stop()).failed).toBe(0);
    expect(run.code).toBe(0);
    expect(await localProvider(routerUrl).readSplit()).toEqual({ v2: 100 });
  });

  it('rolls back a broken canary on the router counters, then rollback is a no-op', async () => {
    v2.setMode('error');
    const load = startLoad(`${routerUrl}/health`, 100);
    const run = await runAction('shift-traffic', { inputs: inputs({ 'step-duration': '10s' }) });
    await load.stop();
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(await localProvider(routerUrl).readSplit()).toEqual({ v1: 100 });
    const again = await runAction('rollback', {
      inputs: { provider: 'local', 'local-router-url': routerUrl, 'to-revision': 'v1' },
    });
    expect(again.outputs['outcome']).toBe('nothing-to-do');
  });
});
