/**
 * The default gate's verdicts on the faults teams ship, in-process: the real engine
 * and tripwire against simulated users' traffic (100 requests a second, stable at
 * 0.1 % 5xx), the plan 10,50,100 with 20 s steps. Seeded, so each case is the same
 * every run; the bench runs the same matrix on real HAProxy.
 */
import { simulateRollout, type SimulatedRollout } from '../support/rollout-simulation.js';

const stable = { errorShare: 0.001 };
const seeds = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

async function many(n: number, options: Omit<SimulatedRollout, 'seed'>) {
  return Promise.all(seeds(n).map((seed) => simulateRollout({ seed, ...options })));
}

it('a healthy canary is promoted on its plan, its weight never moved off it (30 rollouts)', async () => {
  const outcomes = await many(30, { stable, canary: { errorShare: 0.001 } });
  for (const o of outcomes) {
    expect(o.result.outcome).toEqual({ kind: 'promoted' });
    expect(o.weights).toEqual([10, 50, 100]);
  }
});

it('false rollbacks of a canary as good as stable stay under the stated 1 % over 1 000 rollouts', async () => {
  const outcomes = await Promise.all(
    seeds(1000, 10_000).map((seed) => simulateRollout({ seed, stable, canary: { errorShare: 0.001 } })),
  );
  const rolledBack = outcomes.filter((o) => o.result.outcome.kind === 'rolled-back').length;
  expect(rolledBack).toBeLessThanOrEqual(10);
}, 60_000);

it('3 % 5xx (30× stable) is rolled back at 10 %, within a few hundred canary requests', async () => {
  for (const o of await many(10, { stable, canary: { errorShare: 0.03 } })) {
    // The comparison decides, or the absolute 5 % limit when a check's window happens to hold more.
    expect(o.result.outcome).toMatchObject({
      kind: 'rolled-back',
      reason: expect.stringMatching(/^5xx: |over the 5\.0% limit/),
    });
    expect(o.reached).toBe(10);
    expect(o.canaryServed).toBeLessThan(500);
  }
});

it('1 % 5xx (10× stable) never reaches 100 %', async () => {
  for (const o of await many(20, { stable, canary: { errorShare: 0.01 } })) {
    expect(o.result.outcome.kind).toBe('rolled-back');
    expect(o.reached).toBeLessThan(100);
  }
});

it('+450 ms on every answer is rolled back at 10 % by the latency comparison', async () => {
  for (const o of await many(10, { stable, canary: { errorShare: 0.001, addedLatencyMs: 450 } })) {
    expect(o.result.outcome).toMatchObject({
      kind: 'rolled-back',
      reason: expect.stringMatching(/^latency: the canary is decisively slower than stable/),
    });
    expect(o.reached).toBe(10);
  }
});

it('a canary that fails now and then is never pulled to 0 and back: its weight moves only at its steps', async () => {
  for (const o of await many(10, { stable, canary: { errorShare: 0.03 } }))
    expect(o.weights).toEqual([10, 0]);
});

it('an outright failure is still stopped by the tripwire after one failed request', async () => {
  // Read every 10 ms, as the tripwire reads HAProxy.
  for (const o of await many(10, { stable, canary: { errorShare: 1 }, pollMs: 10 })) {
    expect(o.result.outcome).toMatchObject({
      reason: expect.stringMatching(/^the router saw the canary fail/),
    });
    expect(o.canaryFailed).toBe(1);
  }
});

it('a fault that appears only at 50 % is stopped at 50 %', async () => {
  const canary = { errorShare: (percent: number) => (percent >= 50 ? 0.03 : 0.001) };
  for (const o of await many(10, { stable, canary })) {
    expect(o.result.outcome.kind).toBe('rolled-back');
    expect(o.reached).toBe(50);
  }
});
