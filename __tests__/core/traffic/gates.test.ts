import {
  afterCheck,
  afterWindow,
  combineChecks,
  countsDelta,
  emptyHistory,
  errorRateCheck,
  recordCheck,
  type CheckResult,
  type GatePolicy,
} from '../../../shared/core/traffic/gates.js';

const policy = { maxErrorRate: 0.05, maxIncreaseOverStable: 0.02, minRequests: 20 };

describe('errorRateCheck', () => {
  it.each([
    [{ requests: 10, errors5xx: 10 }, { requests: 90, errors5xx: 0 }, 'inconclusive'],
    [{ requests: 100, errors5xx: 1 }, { requests: 900, errors5xx: 9 }, 'pass'],
    [{ requests: 100, errors5xx: 6 }, { requests: 900, errors5xx: 0 }, 'fail'],
    [{ requests: 100, errors5xx: 4 }, { requests: 900, errors5xx: 0 }, 'fail'],
    [{ requests: 100, errors5xx: 4 }, { requests: 900, errors5xx: 27 }, 'pass'],
  ])('canary %j vs stable %j: %s', (canary, stable, verdict) => {
    expect(errorRateCheck(policy, canary, stable).verdict).toBe(verdict);
  });

  it('has no verdict without counters (router unreachable)', () => {
    expect(errorRateCheck(policy, undefined, undefined)).toEqual({
      verdict: 'inconclusive',
      reasons: ['router counters unavailable for the canary'],
    });
  });

  it('explains a failure with the numbers', () => {
    expect(
      errorRateCheck({ maxErrorRate: 0.05, minRequests: 20 }, { requests: 40, errors5xx: 40 }, undefined)
        .reasons,
    ).toEqual(['canary 5xx rate 100.0% (40/40) over the 5.0% limit']);
  });

  it("speaks of an app update's launches and crashes when those are the counts", () => {
    const crashes = {
      maxErrorRate: 0.005,
      maxIncreaseOverStable: 0.002,
      minRequests: 500,
      counts: 'launches',
    } as const;
    expect(errorRateCheck(crashes, { requests: 400, errors5xx: 40 }, undefined).reasons).toEqual([
      '400 canary launches, fewer than the 500 needed for a verdict',
    ]);
    expect(
      errorRateCheck(crashes, { requests: 1000, errors5xx: 9 }, { requests: 9000, errors5xx: 9 }).reasons,
    ).toEqual([
      'canary failed-launch rate 0.9% (9/1000) over the 0.5% limit',
      "canary failed-launch rate 0.9% exceeds stable's 0.1% by more than 0.2%",
    ]);
  });
});

describe('countsDelta', () => {
  it('subtracts', () =>
    expect(countsDelta({ requests: 10, errors5xx: 1 }, { requests: 25, errors5xx: 3 })).toEqual({
      requests: 15,
      errors5xx: 2,
    }));
  it('gives nothing when counters went backwards (router restarted)', () =>
    expect(countsDelta({ requests: 10, errors5xx: 1 }, { requests: 2, errors5xx: 0 })).toBeUndefined());
});

const pass: CheckResult = { verdict: 'pass', reasons: ['ok'] };
const fail: CheckResult = { verdict: 'fail', reasons: ['5xx'] };
const none: CheckResult = { verdict: 'inconclusive', reasons: ['few requests'] };

describe('combineChecks', () => {
  it.each([
    [[pass, pass], 'pass'],
    [[pass, fail], 'fail'],
    [[pass, none], 'inconclusive'],
    [[none, fail], 'fail'],
  ])('%j → %s', (checks, verdict) => expect(combineChecks(checks as CheckResult[]).verdict).toBe(verdict));
});

describe('failure limit and windows', () => {
  const strict: GatePolicy = { failureLimit: 0, advisory: false };
  const lenient: GatePolicy = { failureLimit: 2, advisory: false };
  const run = (results: CheckResult[]) => results.reduce(recordCheck, emptyHistory);

  it('failure limit 0: the first failure rolls back', () => {
    expect(afterCheck(run([pass, fail]), strict)).toEqual({
      kind: 'rollback',
      reason: '5xx (1 failed check in a row)',
    });
  });

  it('failure limit 2: the third failure in a row rolls back, a pass in between resets', () => {
    expect(afterCheck(run([fail, fail]), lenient).kind).toBe('continue');
    expect(afterCheck(run([fail, fail, pass, fail, fail]), lenient).kind).toBe('continue');
    expect(afterCheck(run([fail, fail, fail]), lenient).kind).toBe('rollback');
  });

  it('inconclusive checks neither pass nor roll back', () => {
    expect(afterCheck(run([none, none, none]), strict).kind).toBe('continue');
    expect(afterWindow(run([none, none]), strict)).toEqual({
      kind: 'no-verdict',
      reason: 'no check reached a verdict in 2 tries (few requests)',
    });
    const silent: CheckResult = { verdict: 'inconclusive', reasons: [] };
    expect(afterWindow(run([silent]), strict)).toEqual({
      kind: 'no-verdict',
      reason: 'no check reached a verdict in 1 tries (too little traffic or no data)',
    });
  });

  it("rolls back a window whose canary series vanished while stable's had data, instead of holding", () => {
    const vanished: CheckResult = {
      verdict: 'inconclusive',
      reasons: ["prometheus: no data for the canary while stable's series has data"],
      canaryVanished: true,
    };
    expect(afterWindow(run([none, vanished, vanished]), strict)).toEqual({
      kind: 'rollback',
      reason:
        "prometheus: no data for the canary while stable's series has data for the whole analysis (3 checks): its series vanished",
    });
    // Seen once and then back: the window only holds.
    expect(afterWindow(run([vanished, none]), strict).kind).toBe('no-verdict');
    // Probes that pass keep the canary: it is alive, only its metrics are missing.
    expect(afterWindow(run([vanished, pass, vanished]), strict).kind).toBe('advance');
    expect(combineChecks([vanished, none])).toMatchObject({ verdict: 'inconclusive', canaryVanished: true });
  });

  it('advances on evidence, not on time', () => {
    expect(afterWindow(run([none, pass, none]), strict).kind).toBe('advance');
    expect(afterWindow(run([pass, fail]), lenient).kind).toBe('rollback');
  });

  it('advisory mode warns and never rolls back', () => {
    const advisory = { failureLimit: 0, advisory: true };
    expect(afterCheck(run([fail]), advisory).kind).toBe('warn');
    expect(afterWindow(run([fail]), advisory).kind).toBe('advance');
  });
});
