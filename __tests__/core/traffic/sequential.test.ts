import fc from 'fast-check';
import {
  carriedOver,
  combinedDecision,
  errorDrift,
  errorEvidence,
  expectedSamples,
  latencyEvidence,
  pairOutcome,
  waldBounds,
  type Evidence,
  type SequentialPolicy,
} from '../../../shared/core/traffic/sequential.js';

const none = { requests: 0, errors: 0 };
const policy: SequentialPolicy = {
  errorIncrease: 0.01,
  latencyIncreaseMs: 50,
  falseRollback: 0.01,
  missedRegression: 0.02,
  tests: 2,
};

it("Wald's bounds come from the error rates, the false-rollback budget split between the tests", () => {
  const { upper, lower } = waldBounds(policy);
  expect(upper).toBeCloseTo(Math.log(0.98 / 0.005), 10);
  expect(lower).toBeCloseTo(Math.log(0.02 / 0.995), 10);
  expect(waldBounds({ ...policy, tests: 1 }).upper).toBeLessThan(upper);
});

it('a canary at 3 % 5xx against stable at 0.1 % is decisively worse within its first 200 requests', () => {
  const e = errorEvidence(
    undefined,
    { requests: 200, errors: 6 },
    { requests: 1800, errors: 2 },
    none,
    policy,
  );
  expect(e.decision).toBe('worse');
  expect(e.detail).toMatch(/^5xx: the canary's 5xx share 3\.0% is decisively above stable's 0\.11%/);
});

it('400 error-free canary requests beside a stable at 0.1 % are decisively not worse', () => {
  const e = errorEvidence(
    undefined,
    { requests: 400, errors: 0 },
    { requests: 3600, errors: 4 },
    none,
    policy,
  );
  expect(e.decision).toBe('not-worse');
});

it('one noise error among 200 requests decides nothing either way: the step waits for more', () => {
  const e = errorEvidence(
    undefined,
    { requests: 200, errors: 1 },
    { requests: 1800, errors: 2 },
    none,
    policy,
  );
  expect(e.decision).toBe('undecided');
});

it("no verdict until stable has served enough to be compared with, and the canary's requests are weighed later", () => {
  const early = errorEvidence(
    undefined,
    { requests: 50, errors: 5 },
    { requests: 150, errors: 0 },
    none,
    policy,
  );
  expect(early).toMatchObject({ decision: 'undecided', llr: 0, samples: 0 });
  expect(early.detail).toMatch(/stable has served 150 requests, fewer than the 200/);
  const later = errorEvidence(
    early,
    { requests: 60, errors: 5 },
    { requests: 2000, errors: 1 },
    none,
    policy,
  );
  expect(later.decision).toBe('worse');
});

it('a canary fine for a long time and then broken is caught on the break alone (the ratio rests at the lower bound)', () => {
  let e: Evidence | undefined;
  for (let n = 1000; n <= 20_000; n += 1000)
    e = errorEvidence(e, { requests: n, errors: 0 }, { requests: n * 9, errors: n / 100 }, none, policy);
  expect(e!.llr).toBeCloseTo(waldBounds(policy).lower, 10);
  const broken = errorEvidence(
    e,
    { requests: 20_200, errors: 8 },
    { requests: 181_800, errors: 182 },
    none,
    policy,
  );
  expect(broken.decision).toBe('worse');
});

it('suspicion carries into the next step, exoneration does not', () => {
  const suspicious = {
    metric: '5xx',
    decision: 'undecided',
    llr: 3,
    samples: 500,
    errors: 4,
    detail: '',
  } as const;
  expect(carriedOver(suspicious)).toMatchObject({ llr: 3, samples: 0, errors: 0 });
  const cleared = { ...suspicious, decision: 'not-worse', llr: -3.9 } as const;
  expect(carriedOver(cleared)).toMatchObject({ llr: 0, decision: 'undecided' });
});

it('latency: a canary slower by more than the allowance in every pair is worse within 12 pairs; as fast, not worse within 5', () => {
  expect(latencyEvidence(undefined, { slower: 11, notSlower: 0 }, policy).decision).toBe('undecided');
  expect(latencyEvidence(undefined, { slower: 12, notSlower: 0 }, policy).decision).toBe('worse');
  expect(latencyEvidence(undefined, { slower: 0, notSlower: 4 }, policy).decision).toBe('undecided');
  expect(latencyEvidence(undefined, { slower: 0, notSlower: 5 }, policy).decision).toBe('not-worse');
});

it('a pair: slower beyond the allowance, or no answer from the canary past it; a pair stable failed says nothing', () => {
  expect(pairOutcome({ ok: true, latencyMs: 471 }, { ok: true, latencyMs: 20 }, 50)).toBe('slower');
  expect(pairOutcome({ ok: true, latencyMs: 60 }, { ok: true, latencyMs: 20 }, 50)).toBe('not-slower');
  expect(pairOutcome({ ok: false, latencyMs: 2000 }, { ok: true, latencyMs: 20 }, 50)).toBe('slower');
  expect(pairOutcome({ ok: false, latencyMs: 3 }, { ok: true, latencyMs: 20 }, 50)).toBe('void');
  expect(pairOutcome({ ok: true, latencyMs: 900 }, { ok: false, latencyMs: 20 }, 50)).toBe('void');
});

it('combined: any worse is worse, all not-worse is not worse, otherwise undecided', () => {
  const of = (decision: Evidence['decision']): Evidence => ({
    metric: '5xx',
    decision,
    llr: 0,
    samples: 0,
    errors: 0,
    detail: '',
  });
  expect(combinedDecision([of('not-worse'), of('worse')])).toBe('worse');
  expect(combinedDecision([of('not-worse'), of('not-worse')])).toBe('not-worse');
  expect(combinedDecision([of('not-worse'), of('undecided')])).toBe('undecided');
});

it("Wald's expected sample size: about 85 canary requests for 3 % against 0.1 %", () => {
  const p0 = 0.001;
  const p1 = p0 + 0.01;
  expect(Math.round(expectedSamples(errorDrift(0.03, p0, p1), policy))).toBe(85);
  expect(expectedSamples(errorDrift(0.001, p0, p1), policy)).toBeGreaterThan(0);
});

it('property: the ratio never falls below the lower bound, and more canary errors never make it less worse', () => {
  const lower = waldBounds(policy).lower;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 5000 }),
      fc.integer({ min: 0, max: 50 }),
      fc.integer({ min: 200, max: 50_000 }),
      fc.integer({ min: 0, max: 100 }),
      (requests, errors, stableRequests, stableErrors) => {
        const canary = { requests: requests + errors, errors };
        const stable = { requests: stableRequests, errors: Math.min(stableErrors, stableRequests) };
        const e = errorEvidence(undefined, canary, stable, none, policy);
        const more = errorEvidence(
          undefined,
          { requests: canary.requests, errors: errors + 1 },
          stable,
          none,
          policy,
        );
        return e.llr >= lower - 1e-9 && more.llr >= e.llr - 1e-9;
      },
    ),
  );
});
