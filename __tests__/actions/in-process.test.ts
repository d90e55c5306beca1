/**
 * Each action's main, called in-process with run(deps): the recording runtime,
 * action.yml's defaults, an in-memory router and a virtual clock. The fast paths
 * in milliseconds; the bundles' own suites (*.e2e.test.ts) run the same code as
 * the runner does, against real HAProxy, gcloud, kubectl and GitHub stand-ins.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeHttpClient } from '../../shared/adapters/http.js';
import type { SoakRecords } from '../../shared/adapters/soak-evidence.js';
import { workspaceFiles } from '../../shared/adapters/workspace.js';
import type { Split } from '../../shared/core/traffic/split.js';
import { run as deployCanary } from '../../actions/deploy-canary/main.js';
import { run as healthcheck } from '../../actions/healthcheck/main.js';
import { run as openIncident } from '../../actions/open-incident-issue/main.js';
import { run as rollback } from '../../actions/rollback/main.js';
import { run as shiftTraffic } from '../../actions/shift-traffic/main.js';
import { run as soakGate } from '../../actions/soak-gate/main.js';
import { memoryRouter, virtualClock, type MemoryRouter } from '../support/in-memory.js';
import { recordingRuntime } from '../support/recording-runtime.js';
import { startService } from '../support/service.js';
import { actionDefaults } from '../support/run-action.js';

// The command provider's inputs pass validation; providerFor hands back the memory router.
const ROUTER_INPUTS = { provider: 'command', 'command-get-split': 'unused', 'command-set-split': 'unused' };

function trafficDeps(action: string, inputs: Record<string, string>, router: MemoryRouter) {
  const runtime = recordingRuntime({ ...actionDefaults(action), ...ROUTER_INPUTS, ...inputs });
  const clock = virtualClock();
  return { runtime, clock, http: nodeHttpClient(clock), env: {}, providerFor: () => router.provider };
}

describe('deploy-canary', () => {
  it('deploys next to the revision serving all traffic and gives the canary its initial share', async () => {
    const router = memoryRouter({ blue: 100 });
    const deps = trafficDeps(
      'deploy-canary',
      { 'canary-revision': 'green', 'initial-percent': '10' },
      router,
    );
    await deployCanary(deps);
    expect(deps.runtime.failed).toBeUndefined();
    expect(router.deployed).toEqual(['green']);
    expect(router.split).toEqual({ blue: 90, green: 10 });
    expect(deps.runtime.outputs['stable-revision']).toBe('blue');
  });

  it('refuses a second canary while a rollout is in progress, deploying nothing', async () => {
    const router = memoryRouter({ blue: 90, green: 10 });
    const deps = trafficDeps('deploy-canary', { 'canary-revision': 'red' }, router);
    await deployCanary(deps);
    expect(deps.runtime.failed).toMatch(
      /^deploy-canary: traffic is split blue 90% \/ green 10%: a rollout is in progress/,
    );
    expect(router.deployed).toEqual([]);
    expect(router.sets).toEqual([]);
  });

  it('a bad input is one line naming it, and nothing is asked of the router', async () => {
    const router = memoryRouter({ blue: 100 });
    const deps = trafficDeps(
      'deploy-canary',
      { 'canary-revision': 'green', 'initial-percent': '70' },
      router,
    );
    await deployCanary(deps);
    expect(deps.runtime.failed).toBe(
      "Input 'initial-percent' must be at most 50. Example: initial-percent: 0",
    );
    expect(router.deployed).toEqual([]);
  });
});

describe('shift-traffic', () => {
  const inputs = {
    'stable-revision': 'blue',
    'canary-revision': 'green',
    steps: '50,100',
    analysis: '1m',
    advisory: 'false',
  };

  /** A rollout whose canary, a real local service, answers its probe as `mode` says. */
  async function rollout(mode: 'ok' | 'error') {
    const service = await startService();
    service.setMode(mode);
    const revisions = [
      { name: 'green', url: service.url },
      { name: 'blue', url: service.url },
    ];
    const router = memoryRouter({ blue: 100 }, { revisions });
    const probes = `[{name: canary, url: "\${CANARY_URL}/health"}]`;
    const deps = trafficDeps('shift-traffic', { ...inputs, probes }, router);
    await shiftTraffic(deps);
    await service.close();
    return { router, runtime: deps.runtime };
  }

  it('promotes step by step under the gate of its probes', async () => {
    const { router, runtime } = await rollout('ok');
    expect(runtime.failed).toBeUndefined();
    expect(runtime.outputs['outcome']).toBe('promoted');
    expect(router.sets.map((s: Split) => s['green'] ?? 0)).toEqual([50, 100]);
  });

  it('rolls back to stable when the canary fails its probes', async () => {
    const { router, runtime } = await rollout('error');
    expect(runtime.outputs['outcome']).toBe('rolled-back');
    expect(router.split).toEqual({ blue: 100 });
    expect(runtime.failed).toMatch(/rolled back/i);
  });
});

describe('rollback', () => {
  it('puts all traffic back on the named revision', async () => {
    const router = memoryRouter({ blue: 50, green: 50 });
    const deps = trafficDeps('rollback', { 'to-revision': 'blue', reason: 'error spike' }, router);
    await rollback(deps);
    expect(deps.runtime.failed).toBeUndefined();
    expect(router.split).toEqual({ blue: 100 });
    expect(deps.runtime.outputs).toMatchObject({ outcome: 'rolled-back', verified: 'skipped' });
  });

  it('does nothing when the revision already has all traffic', async () => {
    const router = memoryRouter({ blue: 100 });
    const deps = trafficDeps('rollback', { 'to-revision': 'blue' }, router);
    await rollback(deps);
    expect(router.sets).toEqual([]);
    expect(deps.runtime.outputs['outcome']).toBe('nothing-to-do');
  });
});

describe('healthcheck', () => {
  it('probes a real local service and fails the gate on a 5xx', async () => {
    const service = await startService();
    const runtime = recordingRuntime({
      ...actionDefaults('healthcheck'),
      probes: `[{name: up, url: "${service.url}/health"}, {name: down, url: "${service.url}/error"}]`,
      retries: '0',
    });
    const clock = virtualClock();
    const workspace = mkdtempSync(path.join(tmpdir(), 'ra-inproc-'));
    await healthcheck({
      runtime,
      clock,
      http: nodeHttpClient(clock),
      files: workspaceFiles(workspace),
      env: {},
    });
    await service.close();
    expect(runtime.outputs['healthy']).toBe('false');
    expect(runtime.outputs['failed']).toBe('down');
    expect(runtime.failed).toMatch(/^1 of 2 probes down: down \(status 500/);
  });
});

describe('soak-gate', () => {
  const sha = 'a'.repeat(40);
  const records = (liveAt: Date, runs: { at: Date; conclusion: string }[]): SoakRecords => ({
    async *deployments() {
      yield { sha, successes: [liveAt] };
    },
    completedRuns: async () => runs.map((r, i) => ({ id: i, url: `run ${i}`, ...r })),
  });

  it('waits while the soak is not over, and fails the step when told to', async () => {
    const clock = virtualClock();
    const liveAt = new Date(clock.date().getTime() - 3_600_000);
    const runtime = recordingRuntime({
      ...actionDefaults('soak-gate'),
      environment: 'staging',
      duration: '4h',
      interval: '10m',
      'checks-workflow': 'staging-monitor.yml',
      sha,
      'github-token': 'ghs_x',
      'fail-while-waiting': 'true',
    });
    const runs = [1, 2, 3].map((k) => ({
      at: new Date(liveAt.getTime() + k * 600_000),
      conclusion: 'success',
    }));
    await soakGate({ runtime, clock, recordsFor: () => records(liveAt, runs) });
    expect(runtime.outputs).toMatchObject({ status: 'waiting', green: '3', failed: '0' });
    expect(runtime.failed).toMatch(/^Soak not over yet: soak 1h of 4h; 3 of 24 checks green/);
  });
});

describe('open-incident-issue, offline', () => {
  it('opens a record file once, then appends to it, never a second incident', async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'ra-inproc-'));
    const inputs = {
      ...actionDefaults('open-incident-issue'),
      'github-token': '',
      'record-dir': 'incidents',
      service: 'api',
      environment: 'production',
      kind: 'healthcheck',
    };
    const once = async () => {
      const runtime = recordingRuntime(inputs);
      await openIncident({
        runtime,
        clock: virtualClock(),
        http: nodeHttpClient(virtualClock()),
        files: workspaceFiles(workspace),
        env: {},
        trackerFor: () => {
          throw new Error('no tracker without a token');
        },
        runsFor: () => {
          throw new Error('no runs without a token');
        },
      });
      return runtime;
    };
    expect((await once()).outputs['action']).toBe('created');
    expect((await once()).outputs['action']).toBe('updated');
    const files = readdirSync(path.join(workspace, 'incidents'));
    expect(files).toHaveLength(1);
    expect(readFileSync(path.join(workspace, 'incidents', files[0]!), 'utf8')).toMatch(/still failing/);
  });
});
