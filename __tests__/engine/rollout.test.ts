/**
 * runRollout in-process, with an in-memory router and a clock that only moves when
 * the engine sleeps: every outcome in milliseconds of test time, however long the
 * plan's analyses are.
 */
import type { CheckResult, Verdict } from '../../shared/core/traffic/gates.js';
import { shorthandPlan, type Plan } from '../../shared/core/traffic/plan.js';
import type { Split } from '../../shared/core/traffic/split.js';
import { runRollout } from '../../shared/engine/rollout.js';
import { memoryRouter, virtualClock } from '../support/in-memory.js';

const check = (verdict: Verdict, reason: string = verdict): CheckResult => ({ verdict, reasons: [reason] });
const plan = (weights: string): Plan => shorthandPlan(weights, 60_000, 10_000) as Plan;
const policy = { failureLimit: 0, advisory: false };

async function rollout(options: {
  weights?: string;
  start?: Split;
  verdicts: (canaryPercent: number, call: number) => CheckResult;
  onSet?: (split: Split, router: { split: Split }) => void;
  signal?: AbortSignal;
}) {
  const clock = virtualClock();
  const router = memoryRouter(options.start ?? { blue: 100 }, {
    ...(options.onSet && { onSet: options.onSet }),
  });
  const { provider } = router;
  let calls = 0;
  const started = performance.now();
  const result = await runRollout(
    { stable: 'blue', canary: 'green', plan: plan(options.weights ?? '10,50,100'), policy },
    {
      provider,
      clock,
      log: () => undefined,
      warn: () => undefined,
      probe: async () => options.verdicts(router.split['green'] ?? 0, ++calls),
      ...(options.signal && { signal: options.signal }),
    },
  );
  return { result, router, virtualMs: clock.elapsed(), realMs: performance.now() - started };
}

it('promotes when every check passes, after each analysis has run its full time', async () => {
  const { result, router, virtualMs, realMs } = await rollout({ verdicts: () => check('pass') });
  expect(result.outcome).toEqual({ kind: 'promoted' });
  expect(router.split).toEqual({ green: 100 });
  expect(router.sets.map((s) => s['green'] ?? 0)).toEqual([10, 50, 100]);
  // Three analyses of a minute: 10 %, 50 % and the bake at 100 %.
  expect(virtualMs).toBeGreaterThanOrEqual(3 * 60_000);
  expect(realMs).toBeLessThan(1000);
});

it('rolls back on the first failed check, to stable at 100 %, with the reason', async () => {
  const { result, router } = await rollout({
    verdicts: (percent) => (percent === 50 ? check('fail', 'probe api: status 500') : check('pass')),
  });
  expect(result.outcome).toEqual({
    kind: 'rolled-back',
    reason: expect.stringContaining('probe api: status 500'),
  });
  expect(router.split['green'] ?? 0).toBe(0);
  expect(router.split['blue']).toBe(100);
});

it('holds where it is when no check gives a verdict', async () => {
  const { result, router } = await rollout({ verdicts: () => check('inconclusive', 'no data') });
  expect(result.outcome.kind).toBe('held');
  expect(router.split['green']).toBe(10);
});

it('a bake that fails at 100 % still rolls back', async () => {
  const { result, router } = await rollout({
    weights: '100',
    verdicts: (percent) => (percent === 100 ? check('fail', 'errors at full load') : check('pass')),
  });
  expect(result.outcome.kind).toBe('rolled-back');
  expect(router.split).toEqual({ blue: 100 });
});

it('resumes after the step that set the share it finds, without repeating earlier steps', async () => {
  const { result, router } = await rollout({ start: { blue: 50, green: 50 }, verdicts: () => check('pass') });
  expect(result.outcome).toEqual({ kind: 'promoted' });
  expect(router.sets.map((s) => s['green'] ?? 0)).toEqual([100]);
});

it('stops on drift: weights someone set by hand are left as found', async () => {
  let moved = false;
  const { result, router } = await rollout({
    verdicts: () => check('pass'),
    onSet: (split, r) => {
      if (!moved && split['green'] === 10) {
        moved = true;
        r.split = { blue: 70, green: 30 };
      }
    },
  });
  expect(result.outcome.kind).toBe('drift');
  expect(router.split).toEqual({ blue: 70, green: 30 });
});

it('a cancelled run puts traffic back on stable before it returns', async () => {
  const controller = new AbortController();
  const { result, router } = await rollout({
    verdicts: (_percent, call) => {
      if (call === 2) controller.abort();
      return check('pass');
    },
    signal: controller.signal,
  });
  expect(result.outcome.kind).toBe('rolled-back');
  expect(router.split).toEqual({ blue: 100 });
});

it('a canary that already has all traffic and passed its bake is already promoted', async () => {
  const { result, router } = await rollout({ start: { green: 100 }, verdicts: () => check('pass') });
  expect(result.outcome.kind).toBe('already-promoted');
  expect(router.sets).toEqual([]);
});

it('the router sending everything back to stable mid-analysis is a rollback, not drift', async () => {
  let pulled = false;
  const { result, router } = await rollout({
    verdicts: () => check('pass'),
    onSet: (split, r) => {
      if (!pulled && split['green'] === 50) {
        pulled = true;
        r.split = { blue: 100 };
      }
    },
  });
  expect(result.outcome).toEqual({
    kind: 'rolled-back',
    reason: expect.stringContaining('the router stopped sending the canary traffic'),
  });
  expect(router.split).toEqual({ blue: 100 });
});

it('a platform that refuses a weight mid-rollout ends on stable, the error as the reason', async () => {
  const { result, router } = await rollout({
    verdicts: () => check('pass'),
    onSet: (split) => {
      if (split['green'] === 50) throw new Error('weight refused');
    },
  });
  expect(result.outcome).toEqual({ kind: 'rolled-back', reason: 'the rollout failed: weight refused' });
  expect(router.split).toEqual({ blue: 100 });
});

describe('with router metrics', () => {
  const counts = (requests: number, errors5xx: number) => ({ requests, errors5xx });

  async function metered(options: {
    metrics: () => Record<string, { requests: number; errors5xx: number }>;
    delayMs?: number;
  }) {
    const clock = virtualClock();
    const router = memoryRouter({ blue: 100 });
    const { provider } = router;
    const logs: string[] = [];
    const result = await runRollout(
      {
        stable: 'blue',
        canary: 'green',
        plan: plan('10,100'),
        policy: { ...policy, errorRate: { maxErrorRate: 0.05, minRequests: 100 } },
      },
      {
        provider: { ...provider, metrics: async () => options.metrics() },
        clock,
        log: (m) => logs.push(m),
        warn: (m) => logs.push(m),
        ...(options.delayMs !== undefined && { metricsDelayMs: options.delayMs }),
      },
    );
    return { result, router, logs, virtualMs: clock.elapsed() };
  }

  it('counts from the same baseline until a check has enough requests', async () => {
    // The baseline reads 0; then 40 requests a check, and the first verdict comes on
    // the third check, over all 120.
    let total = -40;
    const { result } = await metered({
      metrics: () => {
        total += 40;
        return { green: counts(total, total >= 120 ? 12 : 0), blue: counts(total * 9, 0) };
      },
    });
    // 12 errors in 120 requests is 10 %: only a baseline that kept counting sees it.
    expect(result.outcome).toEqual({ kind: 'rolled-back', reason: expect.stringMatching(/10(\.0)?%/) });
  });

  it('a window without a verdict waits once for late metrics, then holds', async () => {
    const { result, logs, virtualMs } = await metered({ metrics: () => ({}), delayMs: 120_000 });
    expect(result.outcome).toEqual({
      kind: 'held',
      reason: expect.stringContaining("including 120s more for the platform's late metrics"),
    });
    expect(logs.some((l) => l.startsWith('No verdict yet'))).toBe(true);
    expect(virtualMs).toBe(60_000 + 120_000);
  });
});
