import { emptyHistory, type GateHistory } from '../../../shared/core/traffic/gates.js';
import { shorthandPlan, type Plan } from '../../../shared/core/traffic/plan.js';
import {
  driftResponse,
  errorRateReading,
  failureReason,
  startOf,
  windowEnd,
} from '../../../shared/core/traffic/rollout-rules.js';

const names = { stable: 'blue', canary: 'green' };
const plan = shorthandPlan('10,50,100', 60_000, 10_000) as Plan;

describe('startOf', () => {
  it.each([
    ['all on stable: the first step', { blue: 100 }, { kind: 'go', index: 0, canaryPercent: 0 }],
    [
      'at a weight the plan set: the step after it',
      { blue: 50, green: 50 },
      { kind: 'go', index: 3, canaryPercent: 50 },
    ],
    [
      'all on the canary: already promoted',
      { green: 100 },
      { kind: 'stop', outcome: { kind: 'already-promoted' } },
    ],
  ])('%s', (_, observed, start) => {
    expect(startOf(plan, names, observed)).toEqual(start);
  });

  it.each([
    ['a third revision serves', { blue: 90, red: 10 }, /not only on blue and green; nothing was changed/],
    [
      'a weight the plan never sets',
      { blue: 70, green: 30 },
      /the canary has 30%, a weight this plan never sets/,
    ],
  ])('stops on drift when %s', (_, observed, reason) => {
    const start = startOf(plan, names, observed);
    expect(start).toEqual({
      kind: 'stop',
      outcome: { kind: 'drift', reason: expect.stringMatching(reason) },
    });
  });
});

describe('driftResponse', () => {
  it.each([
    ['all back on stable while the canary had a share', { blue: 90, green: 10 }, { blue: 100 }, 'rollback'],
    ['all on stable when the canary had none yet', { blue: 100 }, { blue: 100 }, 'leave'],
    ['another share set by hand', { blue: 90, green: 10 }, { blue: 70, green: 30 }, 'leave'],
    ['all on the canary by hand', { blue: 90, green: 10 }, { green: 100 }, 'leave'],
  ])('%s: %s', (_, expected, found, kind) => {
    expect(driftResponse(names, expected, found).kind).toBe(kind);
  });
});

describe('errorRateReading', () => {
  const policy = { maxErrorRate: 0.05, minRequests: 100 };
  const at = (green: number, errors: number) => ({
    green: { requests: green, errors5xx: errors },
    blue: { requests: 1000, errors5xx: 0 },
  });

  it.each([
    ['too few requests keeps the baseline', at(0, 0), at(50, 0), 'inconclusive', 'kept'],
    ['enough requests moves it on', at(0, 0), at(200, 0), 'pass', 'moved'],
    ['a failing check moves it on too', at(0, 0), at(200, 40), 'fail', 'moved'],
    ['no metrics now keeps it', at(0, 0), undefined, 'inconclusive', 'kept'],
  ] as const)('%s', (_, baseline, now, verdict, moved) => {
    const reading = errorRateReading(policy, names, baseline, now);
    expect(reading.check.verdict).toBe(verdict);
    expect(reading.baseline).toBe(moved === 'moved' ? now : baseline);
  });

  it('reports the canary error rate whenever the canary had requests', () => {
    expect(errorRateReading(policy, names, at(0, 0), at(50, 5)).canaryErrorRate).toBeCloseTo(0.1);
    expect(errorRateReading(policy, names, at(0, 0), at(0, 0)).canaryErrorRate).toBeUndefined();
  });
});

describe('windowEnd', () => {
  const history = (h: Partial<GateHistory>): GateHistory => ({ ...emptyHistory, ...h });
  const gated = { failureLimit: 0, advisory: false, errorRate: { maxErrorRate: 0.05, minRequests: 100 } };
  const split = { blue: 90, green: 10 };
  const noVerdict = history({ checks: 6, inconclusive: 6, lastInconclusive: 'too few requests' });

  it.each([
    ['a pass', history({ checks: 6, passes: 6 }), { delayMs: 0, waited: false }, 'passed'],
    [
      'ending on a failure',
      history({ checks: 6, failures: 1, consecutiveFailures: 1 }),
      { delayMs: 0, waited: false },
      'rollback',
    ],
    ['no verdict, no late metrics', noVerdict, { delayMs: 0, waited: false }, 'held'],
    ['no verdict, metrics arrive late', noVerdict, { delayMs: 120_000, waited: false }, 'extend'],
    ['no verdict after waiting for them', noVerdict, { delayMs: 120_000, waited: true }, 'held'],
  ])('%s: %s', (_, h, late, kind) => {
    expect(windowEnd(h, gated, late, split).kind).toBe(kind);
  });

  it('late metrics matter only where the error rate gates', () => {
    expect(
      windowEnd(noVerdict, { failureLimit: 0, advisory: false }, { delayMs: 120_000, waited: false }, split)
        .kind,
    ).toBe('held');
  });

  it('a hold says where the traffic stays', () => {
    expect(windowEnd(noVerdict, gated, { delayMs: 0, waited: false }, split)).toEqual({
      kind: 'held',
      reason:
        'no check reached a verdict in 6 tries (too few requests); traffic stays at blue 90% / green 10%',
    });
  });
});

it('failureReason: cancellation, or the error that stopped the rollout', () => {
  expect(failureReason(new Error('x'), true)).toBe('the run was cancelled');
  expect(failureReason(new Error('gcloud exited 1'), false)).toBe('the rollout failed: gcloud exited 1');
});
