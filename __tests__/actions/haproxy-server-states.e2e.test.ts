/**
 * What HAProxy does that weights alone do not say, on both 2.6 and 3.2: a server in
 * maintenance or DOWN takes no traffic at any weight, and a hung server is seen by
 * its stalled requests (`show sess`) long before `timeout server` ends them.
 */
import { haproxyProvider } from '../../shared/adapters/providers/haproxy.js';
import { haproxyCommand, haproxyVersions, startHaproxy, type RunningHaproxy } from '../support/haproxy.js';
import { startLoad, type Load } from '../support/load.js';
import { runAction, visibleLog } from '../support/run-action.js';
import { startTwoVersions, type TestService } from '../support/service.js';

let blue: TestService;
let green: TestService;
let proxy: RunningHaproxy;
let load: Load | undefined;

beforeAll(async () => ({ v1: blue, v2: green } = await startTwoVersions()));
afterAll(async () => {
  await blue.close();
  await green.close();
});
afterEach(async () => {
  await load?.stop();
  load = undefined;
  await proxy.stop();
  green.setMode('ok');
});

describe.each(haproxyVersions())('HAProxy %s server states', (_version, binary) => {
  const start = async (weights: { blue: number; green: number }, timeoutServer = '2s') => {
    proxy = await startHaproxy(
      { blue: { url: blue.url, weight: weights.blue }, green: { url: green.url, weight: weights.green } },
      binary,
      { timeoutServer },
    );
  };
  const router = () => haproxyProvider({ socket: proxy.socket, backend: proxy.backend });
  const traffic = {
    provider: 'haproxy',
    'stable-revision': 'blue',
    'canary-revision': 'green',
  };
  const inputs = (extra: Record<string, string> = {}) => ({
    ...traffic,
    'haproxy-socket': proxy.socket,
    'haproxy-backend': proxy.backend,
    steps: '10,50,100',
    'step-duration': '20s',
    'check-interval': '250ms',
    'min-requests': '5',
    ...extra,
  });

  it('reads a server in maintenance as taking nothing, whatever its weight', async () => {
    await start({ blue: 90, green: 10 });
    expect(await router().readSplit()).toEqual({ blue: 90, green: 10 });
    await haproxyCommand(proxy.socket, `disable server ${proxy.backend}/green`);
    expect(await router().readSplit()).toEqual({ blue: 100 });
  });

  it('refuses to send traffic to a server in maintenance, changing nothing', async () => {
    await start({ blue: 0, green: 100 });
    await haproxyCommand(proxy.socket, `disable server ${proxy.backend}/blue`);
    const run = await runAction('rollback', {
      inputs: {
        provider: 'haproxy',
        'haproxy-socket': proxy.socket,
        'haproxy-backend': proxy.backend,
        'to-revision': 'blue',
        reason: 'green is slow',
      },
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toMatch(/server app\/blue is MAINT: it takes no traffic at any weight/);
    expect(await haproxyCommand(proxy.socket, `get weight ${proxy.backend}/green`)).toMatch(/^100 /);
  });

  it('a canary taken out of service mid-rollout is rolled back, so it gets nothing when it returns', async () => {
    await start({ blue: 100, green: 0 });
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', {
      inputs: inputs(),
      whileRunning: async () => {
        while (!(await haproxyCommand(proxy.socket, `get weight ${proxy.backend}/green`)).startsWith('10 '))
          await new Promise((r) => setTimeout(r, 20));
        await haproxyCommand(proxy.socket, `disable server ${proxy.backend}/green`);
      },
    });
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(run.outputs['reason']).toMatch(/^the router stopped sending the canary traffic/);
    await haproxyCommand(proxy.socket, `enable server ${proxy.backend}/green`);
    expect(await router().readSplit()).toEqual({ blue: 100 });
  });

  it("takes a hung canary out in well under a second, long before HAProxy's 30 s timeout server", async () => {
    await start({ blue: 100, green: 0 }, '30s');
    green.setMode('hang');
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', { inputs: inputs(), timeoutMs: 40_000 });
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(run.outputs['reason']).toMatch(
      /^a canary request went unanswered for \d+ ms with nothing else coming back \(the limit is 250 ms: .*\); asked directly for \/, the canary failed 3 of 3 \(no answer within 1000ms \(timeout\)/,
    );
    expect(JSON.parse(run.outputs['report']!).detectionToRollbackMs).toBeLessThan(600);
    expect(await router().readSplit()).toEqual({ blue: 100 });
  }, 60_000);

  it('without the tripwire, hang-after counts the hung requests as failed at the next check', async () => {
    await start({ blue: 100, green: 0 }, '30s');
    green.setMode('hang');
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', {
      inputs: inputs({ 'hang-after': '1s', tripwire: 'false' }),
      timeoutMs: 40_000,
    });
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(run.outputs['reason']).toMatch(/unanswered and still waiting \(hung\)/);
    expect(run.durationMs).toBeLessThan(10_000);
    expect(await router().readSplit()).toEqual({ blue: 100 });
  }, 60_000);
});
