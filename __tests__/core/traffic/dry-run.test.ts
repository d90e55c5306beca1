import {
  canaryPreview,
  gateLines,
  rollbackPreview,
  rolloutPreview,
} from '../../../shared/core/traffic/dry-run.js';
import { shorthandPlan, type Plan } from '../../../shared/core/traffic/plan.js';

const names = { stable: 'blue', canary: 'green' };
const plan = shorthandPlan('10,100', 60_000, 10_000) as Plan;

describe('rolloutPreview', () => {
  it('from all on stable: every step, then the gates and the rollback', () => {
    expect(rolloutPreview(names, plan, { blue: 100 }, ['probes: api'])).toEqual([
      'Now: blue 100%.',
      'Step 1: the canary gets 10%.',
      'Step 2: analyse for 1m, checking the gates every 10s.',
      'Step 3: the canary gets 100%.',
      'Step 4: analyse for 1m, checking the gates every 10s.',
      'Then green gets 100% and becomes stable.',
      'Gate: probes: api.',
      'On a failed gate, a cancellation or an error: blue 100%, at once.',
    ]);
  });

  it.each([
    ['already promoted', { green: 100 }, 'Would change nothing: green already has all traffic.'],
    [
      'at a weight the plan never sets',
      { blue: 67, green: 33 },
      'Would change nothing: the canary has 33%, a weight this plan never sets; nothing was changed.',
    ],
  ])('%s: says it would change nothing, and why', (_, split, line) => {
    expect(rolloutPreview(names, plan, split, [])).toContain(line);
  });
});

describe('gateLines', () => {
  it('names each gate the policy has, the watch between checks, and when it rolls back', () => {
    expect(
      gateLines({
        policy: {
          errorRate: { maxErrorRate: 0.05, maxIncreaseOverStable: 0.01, minRequests: 20 },
          failureLimit: 2,
          advisory: false,
        },
        probes: [],
        prometheus: { query: 'sum(x{revision="{{revision}}"})', max: 0.5 },
        watch: { kind: 'probes' },
      }),
    ).toEqual([
      "router error rate: the canary's 5xx share at most 5% and at most 1% above stable's, judged from 20 canary requests",
      'Prometheus: sum(x{revision="{{revision}}"}) at most 0.5',
      'between checks, the probes every 250 ms (three failed passes roll back)',
      'a rollback after 3 failed checks in a row',
    ]);
  });

  it('advisory: reported, never rolled back', () => {
    expect(gateLines({ policy: { failureLimit: 0, advisory: true }, probes: ['api'] })).toEqual([
      'probes: api',
      'advisory: a failed gate is reported, nothing is rolled back',
    ]);
  });
});

it('rollbackPreview and canaryPreview say the move, or that there is none', () => {
  expect(
    rollbackPreview(
      { blue: 100 },
      { kind: 'nothing-to-do', message: 'blue already has all traffic; nothing to do' },
      [],
    ),
  ).toEqual(['Now: blue 100%.', 'Would change nothing: blue already has all traffic; nothing to do.']);
  expect(canaryPreview({ blue: 100 }, { revision: '', image: 'app:2.0', stable: 'blue' }, 0, [])).toEqual([
    'Now: blue 100%.',
    'Would deploy app:2.0 as a new revision with no traffic; blue keeps what it has.',
  ]);
});
