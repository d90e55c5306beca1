import {
  claimsAhead,
  leaseHolder,
  runIdOf,
  type RolloutClaim,
  type RunState,
} from '../../../shared/core/traffic/lease.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const ago = (ms: number) => NOW - ms;
const claim = (
  deployment: number,
  runId: number | undefined,
  state: string | undefined,
  age = 1000,
): RolloutClaim => ({
  deployment,
  ...(runId !== undefined && { runId }),
  ...(state !== undefined && { state }),
  sinceMs: ago(age),
});
const runs = (entries: [number, RunState][]) => new Map(entries);

describe('claimsAhead', () => {
  it('keeps earlier live deployments of other runs, lowest id first', () => {
    const ahead = claimsAhead(
      9,
      500,
      [
        claim(7, 401, 'in_progress'),
        claim(3, 300, 'queued'),
        claim(8, 402, 'success'),
        claim(10, 600, 'in_progress'),
      ],
      NOW,
    );
    expect(ahead.map((c) => c.deployment)).toEqual([3, 7]);
  });

  it("ignores this run's own earlier deployments (a re-run attempt)", () => {
    expect(claimsAhead(9, 500, [claim(4, 500, 'in_progress')], NOW)).toEqual([]);
  });

  it('counts a deployment without a status only while its first status is on its way', () => {
    expect(claimsAhead(9, 500, [claim(5, undefined, undefined, 5_000)], NOW)).toHaveLength(1);
    expect(claimsAhead(9, 500, [claim(5, undefined, undefined, 120_000)], NOW)).toEqual([]);
  });

  it('ignores live statuses that name no run (another tool’s deployment)', () => {
    expect(claimsAhead(9, 500, [claim(5, undefined, 'in_progress')], NOW)).toEqual([]);
  });
});

describe('leaseHolder', () => {
  it('is the first claim whose run still runs', () => {
    const ahead = [claim(3, 300, 'in_progress'), claim(7, 401, 'in_progress')];
    expect(
      leaseHolder(
        ahead,
        runs([
          [300, 'finished'],
          [401, 'running'],
        ]),
        NOW,
      )?.deployment,
    ).toBe(7);
  });

  it('is nobody when every earlier run has finished (a runner killed mid-rollout)', () => {
    expect(leaseHolder([claim(3, 300, 'in_progress')], runs([[300, 'finished']]), NOW)).toBeUndefined();
  });

  it('trusts a run it cannot see only while its claim is recent', () => {
    expect(leaseHolder([claim(3, 300, 'in_progress', 60_000)], runs([]), NOW)?.deployment).toBe(3);
    expect(leaseHolder([claim(3, 300, 'in_progress', 7 * 3_600_000)], runs([]), NOW)).toBeUndefined();
  });

  it('lets a fresh deployment without a status hold the lease', () => {
    expect(leaseHolder([claim(5, undefined, undefined)], runs([]), NOW)?.deployment).toBe(5);
  });
});

describe('runIdOf', () => {
  it.each([
    ['https://github.com/acme/shop/actions/runs/1234', 1234],
    ['https://github.com/acme/shop/actions/runs/1234/job/99', 1234],
    ['https://ci.example.com/build/7', undefined],
    ['', undefined],
    [null, undefined],
  ])('%s → %s', (url, id) => expect(runIdOf(url)).toBe(id));
});
