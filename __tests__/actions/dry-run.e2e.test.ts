/**
 * dry-run on the three traffic actions, as the runner runs them, against real
 * HAProxy: each reads the router and says what it would do, and the router's
 * weights, addresses and states are byte for byte what they were.
 */
import { startHaproxy, haproxyCommand, type RunningHaproxy } from '../support/haproxy.js';
import { runAction, visibleLog } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

let blue: TestService;
let green: TestService;
let next: TestService;
let proxy: RunningHaproxy;

beforeAll(async () => {
  blue = await startService({ version: '1.0.0' });
  green = await startService({ version: '2.0.0' });
  next = await startService({ version: '2.1.0' });
});
afterAll(async () => Promise.all([blue.close(), green.close(), next.close()]));
beforeEach(async () => {
  proxy = await startHaproxy({ blue: { url: blue.url, weight: 90 }, green: { url: green.url, weight: 10 } });
});
afterEach(() => proxy.stop());

const reach = () => ({
  provider: 'haproxy',
  'haproxy-socket': proxy.socket,
  'haproxy-backend': proxy.backend,
});
/** What the runtime API says of each server: address, port, states and weights. */
const routerState = async () => {
  const lines = (await haproxyCommand(proxy.socket, `show servers state ${proxy.backend}`)).split('\n');
  const header = lines
    .find((l) => l.startsWith('# '))!
    .slice(2)
    .split(' ');
  const kept = [
    'srv_name',
    'srv_addr',
    'srv_port',
    'srv_op_state',
    'srv_admin_state',
    'srv_uweight',
    'srv_iweight',
  ];
  return lines
    .filter((l) => /^\d/.test(l) && l.includes(' '))
    .map((l) => {
      const values = l.split(' ');
      return kept.map((k) => values[header.indexOf(k)]).join(' ');
    });
};
const probes = `[{name: canary-version, url: "\${CANARY_URL}/api/version"}]`;

it('shift-traffic prints the plan from where the router is, each gate, and the rollback; moves nothing', async () => {
  const before = await routerState();
  const hits = green.requests.length;
  const run = await runAction('shift-traffic', {
    inputs: {
      ...reach(),
      'stable-revision': 'blue',
      'canary-revision': 'green',
      steps: '10,50,100',
      'step-duration': '5m',
      'dry-run': 'true',
      'confirm-path': '/health',
    },
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({ outcome: 'dry-run', split: '{"blue":90,"green":10}' });
  expect(visibleLog(run).trim().split('\n')).toEqual([
    'Now: blue 90% / green 10%.',
    'Would resume at step 2: the canary already has 10%.',
    'Step 2: analyse for 5m, checking the gates every 10s.',
    'Step 3: the canary gets 50%.',
    'Step 4: analyse for 5m, checking the gates every 10s.',
    'Step 5: the canary gets 100%.',
    'Step 6: analyse for 5m, checking the gates every 10s.',
    'Then green gets 100% and becomes stable.',
    "Gate: router error rate: the canary's 5xx share at most 5%, judged from 20 canary requests.",
    "Gate: between checks, the tripwire: the router read every 10 ms, the canary's first failed request confirmed with /health (traffic stays), a hung one holds traffic on stable while confirmed.",
    'Gate: a rollback after 1 failed check in a row.',
    'On a failed gate, a cancellation or an error: blue 100%, at once.',
  ]);
  expect(run.summary).toContain('## 🧪 Dry run: shift-traffic changed nothing');
  expect(await routerState()).toEqual(before);
  expect(before).toHaveLength(2);
  expect(green.requests.length).toBe(hits);
});

it('rollback says what it would move and changes nothing', async () => {
  const before = await routerState();
  const run = await runAction('rollback', {
    inputs: { ...reach(), 'to-revision': 'blue', reason: 'trying the button', 'dry-run': 'true' },
  });
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({
    outcome: 'dry-run',
    split: '{"blue":90,"green":10}',
    verified: 'skipped',
  });
  expect(visibleLog(run)).toContain('Would move all traffic back to blue (was blue 90% / green 10%).');
  expect(run.summary).toContain('## 🧪 Dry run: rollback changed nothing');
  expect(await routerState()).toEqual(before);
});

it('deploy-canary says what it would deploy, probe and give traffic; the server keeps its old address', async () => {
  await haproxyCommand(proxy.socket, `set weight ${proxy.backend}/green 0`);
  const before = await routerState();
  const run = await runAction('deploy-canary', {
    inputs: {
      ...reach(),
      'canary-revision': 'green',
      'canary-address': new URL(next.url).host,
      'initial-percent': '5',
      probes,
      'dry-run': 'true',
    },
  });
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({ 'stable-revision': 'blue', split: '{"blue":100}' });
  expect(visibleLog(run).trim().split('\n')).toEqual([
    'Now: blue 100%.',
    `Would deploy ${new URL(next.url).host} as green with no traffic; blue keeps what it has.`,
    'Then the probes at the canary: canary-version.',
    'Then the canary gets 5% if the probes pass.',
  ]);
  expect(await routerState()).toEqual(before);
  expect(next.requests).toEqual([]);
});

it('a dry run still refuses a bad input with one line', async () => {
  const run = await runAction('shift-traffic', {
    inputs: {
      ...reach(),
      'stable-revision': 'blue',
      'canary-revision': 'green',
      steps: '10,100',
      'dry-run': 'maybe',
    },
  });
  expect(run.code).toBe(1);
  expect(visibleLog(run)).toMatch(/^::error::Input 'dry-run' must be true or false/m);
});
