/**
 * The tripwire in the engine, in-process: an in-memory router whose live counters
 * the test scripts, direct answers the test chooses, and a virtual clock.
 */
import type { Outcome } from '../../shared/core/probe.js';
import { shorthandPlan, type Plan } from '../../shared/core/traffic/plan.js';
import type { LiveCounts } from '../../shared/core/traffic/tripwire.js';
import { runRollout } from '../../shared/engine/rollout.js';
import { memoryRouter, virtualClock } from '../support/in-memory.js';

const answer = (status: number): Outcome => ({
  kind: 'response',
  response: { status, headers: {}, body: '' },
  latencyMs: 1,
});

async function rollout(options: {
  /** The canary's live counters at a virtual time (ms since the start). */
  canaryAt: (ms: number) => Partial<LiveCounts>;
  canaryAnswers: number;
  /** Runs while the canary is asked directly (an operator, a cancellation). */
  whileAsked?: (router: ReturnType<typeof memoryRouter>) => Promise<void> | void;
  signal?: AbortSignal;
}) {
  const clock = virtualClock();
  const router = memoryRouter({ blue: 100 });
  const started = clock.now();
  const log: string[] = [];
  const live = (over: Partial<LiveCounts>): LiveCounts => ({
    dispatched: 0,
    ended: 0,
    failed: 0,
    inFlight: 0,
    slowestMs: 10,
    ...over,
  });
  const result = await runRollout(
    {
      stable: 'blue',
      canary: 'green',
      plan: shorthandPlan('10,100', 5_000, 1_000) as Plan,
      policy: { failureLimit: 0, advisory: false },
    },
    {
      provider: router.provider,
      clock,
      log: (m) => log.push(m),
      warn: () => undefined,
      probe: async () => ({ verdict: 'pass', reasons: [] }),
      ...(options.signal && { signal: options.signal }),
      tripwire: {
        read: async () => ({ blue: live({}), green: live(options.canaryAt(clock.now() - started)) }),
        ask: async (revision) => {
          if (revision === 'green') await options.whileAsked?.(router);
          return Array(3).fill(answer(revision === 'green' ? options.canaryAnswers : 200)) as Outcome[];
        },
        path: '/',
        pollMs: 10,
        hangAfterMs: 5000,
        restMs: 1000,
      },
    },
  );
  return { result, router, log };
}

it('a failure the direct requests confirm: rolled back straight from the split it had, detection dated from the last clear reading', async () => {
  const { result, router, log } = await rollout({
    canaryAt: (ms) => ({ dispatched: Math.floor(ms / 100), failed: ms >= 1_505 ? 1 : 0 }),
    canaryAnswers: 500,
  });
  expect(result.outcome).toEqual({
    kind: 'rolled-back',
    reason: expect.stringMatching(
      /^the router saw the canary fail a request .*the canary failed 3 of 3 \(500, 500, 500\)/,
    ),
  });
  expect(router.split).toEqual({ blue: 100 });
  // Asking takes milliseconds: nothing is held, so nothing is restored if it answers.
  expect(log).not.toContain('Traffic: blue 100% (hold)');
  expect(router.sets.map((s) => s['green'] ?? 0)).toEqual([10, 0]);
  expect(result.detectionToRollbackMs).toBeGreaterThan(0);
  expect(result.detectionToRollbackMs).toBeLessThanOrEqual(20);
});

it('a failure they do not confirm moves no traffic: the canary keeps its weight and the rollout goes on to promote', async () => {
  const { result, router, log } = await rollout({
    canaryAt: (ms) => ({ dispatched: Math.floor(ms / 100), failed: ms >= 1_505 ? 1 : 0 }),
    canaryAnswers: 200,
  });
  expect(result.outcome).toEqual({ kind: 'promoted' });
  expect(router.split).toEqual({ green: 100 });
  expect(router.sets.map((s) => s['green'] ?? 0)).toEqual([10, 100]);
  expect(log.filter((l) => l.startsWith('Tripwire: not confirmed'))).toHaveLength(1);
  expect(result.detectionToRollbackMs).toBeUndefined();
});

it('a request left hanging past the limit trips as hung', async () => {
  const { result } = await rollout({
    canaryAt: (ms) => (ms < 1_200 ? { dispatched: 10 } : { dispatched: 11, inFlight: 1 }),
    canaryAnswers: 502,
  });
  expect(result.outcome).toMatchObject({
    kind: 'rolled-back',
    reason: expect.stringMatching(/^a canary request went unanswered for 25\d ms/),
  });
});

/** One failed request at 1.505 s of virtual time, and nothing else. */
const oneFailure = (ms: number) => ({ failed: ms >= 1_505 ? 1 : 0 });

it('weights someone moved while the revisions were asked are left as they are', async () => {
  const { result, router } = await rollout({
    canaryAt: oneFailure,
    canaryAnswers: 200,
    // An operator sends a quarter of the traffic to the canary while it is asked.
    whileAsked: (r) => r.provider.setSplit({ blue: 75, green: 25 }),
  });
  expect(result.outcome.kind).toBe('drift');
  expect(router.split).toEqual({ blue: 75, green: 25 });
});

it('a run cancelled while the revisions are asked rolls back', async () => {
  const cancel = new AbortController();
  const { result, router } = await rollout({
    canaryAt: oneFailure,
    canaryAnswers: 200,
    whileAsked: () => cancel.abort(), // the workflow is cancelled while the answers are awaited
    signal: cancel.signal,
  });
  expect(result.outcome.kind).toBe('rolled-back');
  expect(router.sets.map((s) => s['green'] ?? 0)).toEqual([10, 0]);
});

it('a request that waits past the limit while both revisions answer their direct requests moves no traffic (a stall, not a hang)', async () => {
  const { result, router } = await rollout({
    // One request outstanding for a while, then answered: what a loaded machine looks like.
    canaryAt: (ms) =>
      ms < 1_200
        ? { dispatched: 10, ended: 10 }
        : ms < 1_600
          ? { dispatched: 11, ended: 10, inFlight: 1 }
          : { dispatched: 11, ended: 11 },
    canaryAnswers: 200,
  });
  expect(result.outcome).toEqual({ kind: 'promoted' });
  expect(router.sets.map((s) => s['green'] ?? 0)).toEqual([10, 100]);
});
