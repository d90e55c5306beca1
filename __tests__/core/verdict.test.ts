import type { Outcome } from '../../shared/core/probe.js';
import { aProbe } from '../support/probes.js';
import {
  attemptOf,
  healthReport,
  judgeProbe,
  retryDelayMs,
  shouldRetry,
  shouldTakeAnotherSample,
  type Sample,
} from '../../shared/core/verdict.js';

const probe = aProbe({ samples: 3, retries: 2, retryDelayMs: 100 }, { p95BudgetMs: 400 });
const ok = (latencyMs = 50): Outcome => ({
  kind: 'response',
  response: { status: 200, headers: {}, body: '' },
  latencyMs,
});
const bad = (status = 500): Outcome => ({
  kind: 'response',
  response: { status, headers: {}, body: '' },
  latencyMs: 20,
});
const sample = (...outcomes: Outcome[]): Sample => outcomes.map((o) => attemptOf(probe, o));

describe('retries and confirmation', () => {
  it('retries a failed attempt while retries remain', () => {
    expect(shouldRetry(probe, sample(bad()))).toBe(true);
    expect(shouldRetry(probe, sample(bad(), bad()))).toBe(true);
    expect(shouldRetry(probe, sample(bad(), bad(), bad()))).toBe(false);
    expect(shouldRetry(probe, sample(bad(), ok()))).toBe(false);
  });

  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [20, 30_000],
  ])('backoff after %d attempts is %d ms', (n, ms) => expect(retryDelayMs(probe, n)).toBe(ms));

  it('stops sampling once a sample is confirmed down', () => {
    expect(shouldTakeAnotherSample(probe, [sample(ok())])).toBe(true);
    expect(shouldTakeAnotherSample(probe, [sample(bad(), bad(), bad())])).toBe(false);
    expect(shouldTakeAnotherSample(probe, [sample(ok()), sample(ok()), sample(ok())])).toBe(false);
  });
});

describe('judgeProbe', () => {
  it('a blip that a retry contradicts is reported, not called down', () => {
    const v = judgeProbe(probe, 'u', [sample(ok()), sample(bad(503), ok()), sample(ok())]);
    expect(v).toMatchObject({
      healthy: true,
      blips: 1,
      samples: 3,
      attempts: 4,
      failedSamples: 0,
      status: 200,
    });
    expect(v.reason).toBeUndefined();
  });

  it('a failure confirmed by every retry is down, with the reason and the count', () => {
    const v = judgeProbe(probe, 'u', [sample(bad(), bad(), bad())]);
    expect(v).toMatchObject({
      healthy: false,
      failedSamples: 1,
      status: 500,
      reason: 'status 500, expected 2xx (failed 3 of 3 attempts)',
    });
  });

  it('fails the p95 budget even when every request succeeded', () => {
    const v = judgeProbe(probe, 'u', [sample(ok(100)), sample(ok(120)), sample(ok(450))]);
    expect(v.healthy).toBe(false);
    expect(v.reason).toBe('p95 450ms over the 400ms budget (3 samples)');
    expect(v.latencyMs).toEqual({ count: 3, min: 100, p50: 120, p95: 450, max: 450 });
  });

  it('takes latency from the final attempt of each sample', () => {
    const v = judgeProbe(probe, 'u', [sample(bad(), ok(300))]);
    expect(v.latencyMs?.max).toBe(300);
  });

  it('has no latency when nothing answered', () => {
    const err: Outcome = { kind: 'error', error: 'timeout', latencyMs: 1000 };
    const v = judgeProbe({ ...probe, retries: 0 }, 'u', [sample(err)]);
    expect(v.latencyMs).toBeUndefined();
    expect(v.status).toBeUndefined();
    expect(v.reason).toBe('timeout');
  });
});

describe('healthReport', () => {
  it('is healthy only when every probe is', () => {
    const up = judgeProbe(probe, 'u', [sample(ok())]);
    const down = { ...judgeProbe(probe, 'u', [sample(bad(), bad(), bad())]), name: 'db' };
    expect(healthReport([up])).toMatchObject({ healthy: true, failed: [] });
    expect(healthReport([up, down])).toMatchObject({ healthy: false, failed: ['db'] });
  });
});
