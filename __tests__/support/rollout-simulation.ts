/**
 * Rollouts judged in-process: the real engine and gates (runRollout, the tripwire,
 * the sequential comparison) against a simulated router whose users' traffic is
 * drawn at random as virtual time passes — 5xx at a chosen share per revision,
 * latency from a chosen spread. Seeded, so a run is repeatable. Used by the tests
 * (the false-rollback bound, partial faults) and by the bench's judgment matrix.
 */
import type { TrafficProvider } from '../../shared/adapters/providers/provider.js';
import type { Outcome } from '../../shared/core/probe.js';
import type { RouterMetrics } from '../../shared/core/traffic/gates.js';
import { shorthandPlan, type Plan } from '../../shared/core/traffic/plan.js';
import {
  DEFAULT_FALSE_ROLLBACK,
  DEFAULT_MISSED_REGRESSION,
  type SequentialPolicy,
} from '../../shared/core/traffic/sequential.js';
import type { Split } from '../../shared/core/traffic/split.js';
import type { LiveReading } from '../../shared/core/traffic/tripwire.js';
import { runRollout, type RolloutResult } from '../../shared/engine/rollout.js';
import { virtualClock } from './in-memory.js';

/** A small fast generator (mulberry32): the same seed, the same traffic. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RevisionBehaviour {
  /** Share of answers that are 5xx, at a canary weight (a fault may appear only under more traffic). */
  errorShare: number | ((canaryPercent: number) => number);
  /** Extra milliseconds on every answer. */
  addedLatencyMs?: number;
}

export interface SimulatedRollout {
  seed: number;
  /** Users' requests a second through the router. */
  rate?: number;
  weights?: string;
  stepMs?: number;
  intervalMs?: number;
  stable: RevisionBehaviour;
  canary: RevisionBehaviour;
  policy?: Partial<SequentialPolicy>;
  /** How often the simulated tripwire reads the router (virtual ms). */
  pollMs?: number;
}

export interface SimulatedOutcome {
  result: RolloutResult;
  /** The canary weights set, in order. */
  weights: number[];
  /** Users' requests the canary served, and those it failed, before its weight went to 0 (or the end). */
  canaryServed: number;
  canaryFailed: number;
  /** The highest weight the canary reached. */
  reached: number;
}

const shareAt = (b: RevisionBehaviour, percent: number) =>
  typeof b.errorShare === 'function' ? b.errorShare(percent) : b.errorShare;

/** Latency of one answer: 20 ms plus an exponential spread of mean 10 ms, plus any added. */
const latency = (random: () => number, b: RevisionBehaviour) =>
  20 - 10 * Math.log(1 - random()) + (b.addedLatencyMs ?? 0);

export async function simulateRollout(options: SimulatedRollout): Promise<SimulatedOutcome> {
  const random = seeded(options.seed);
  const clock = virtualClock();
  const rate = options.rate ?? 100;
  let split: Split = { blue: 100 };
  const weights: number[] = [];
  const totals = { blue: { requests: 0, errors: 0 }, green: { requests: 0, errors: 0 } };
  let drawnUntil = 0;
  let carry = 0;
  let canaryServed = 0;
  let canaryFailed = 0;
  let reached = 0;

  /** Users' requests since the last draw, each sent by the split's weights. */
  const draw = () => {
    const now = clock.now();
    carry += ((now - drawnUntil) / 1000) * rate;
    drawnUntil = now;
    const canaryPercent = split['green'] ?? 0;
    for (; carry >= 1; carry--) {
      const toCanary = random() * 100 < canaryPercent;
      const name = toCanary ? 'green' : 'blue';
      const failed = random() < shareAt(toCanary ? options.canary : options.stable, canaryPercent);
      totals[name].requests++;
      if (failed) totals[name].errors++;
      if (toCanary) {
        canaryServed++;
        if (failed) canaryFailed++;
      }
    }
  };
  const live = (): LiveReading => {
    draw();
    const row = (t: { requests: number; errors: number }) => ({
      dispatched: t.requests,
      ended: t.requests,
      failed: t.errors,
      inFlight: 0,
      slowestMs: 60,
    });
    return { blue: row(totals.blue), green: row(totals.green) };
  };
  const provider: TrafficProvider = {
    kind: 'simulated',
    readSplit: async () => split,
    setSplit: async (next) => {
      draw();
      split = next;
      weights.push(next['green'] ?? 0);
      reached = Math.max(reached, next['green'] ?? 0);
    },
    listRevisions: async () => [
      { name: 'green', url: 'http://green.invalid' },
      { name: 'blue', url: 'http://blue.invalid' },
    ],
    metrics: async (): Promise<RouterMetrics> => {
      draw();
      return {
        blue: { requests: totals.blue.requests, errors5xx: totals.blue.errors },
        green: { requests: totals.green.requests, errors5xx: totals.green.errors },
      };
    },
    liveCounts: async () => live(),
  };
  const answer = (b: RevisionBehaviour): Outcome => {
    const status = random() < shareAt(b, split['green'] ?? 0) ? 500 : 200;
    return { kind: 'response', response: { status, headers: {}, body: '' }, latencyMs: latency(random, b) };
  };
  const stepMs = options.stepMs ?? 20_000;
  const plan = shorthandPlan(options.weights ?? '10,50,100', stepMs, options.intervalMs ?? 10_000) as Plan;
  const result = await runRollout(
    {
      stable: 'blue',
      canary: 'green',
      plan,
      policy: {
        failureLimit: 0,
        advisory: false,
        errorRate: { maxErrorRate: 0.05, minRequests: 20 },
        sequential: {
          errorIncrease: 0.01,
          latencyIncreaseMs: 50,
          falseRollback: DEFAULT_FALSE_ROLLBACK,
          missedRegression: DEFAULT_MISSED_REGRESSION,
          tests: 1,
          ...options.policy,
        },
      },
    },
    {
      provider,
      clock,
      log: () => undefined,
      warn: () => undefined,
      tripwire: {
        read: async () => live(),
        ask: async (revision) =>
          Array.from({ length: 3 }, () => answer(revision === 'green' ? options.canary : options.stable)),
        path: '/',
        pollMs: options.pollMs ?? 100,
        hangAfterMs: 5000,
        restMs: options.intervalMs ?? 10_000,
      },
      latencyPairs: {
        pair: async () => ({
          canary: { ok: true, latencyMs: latency(random, options.canary) },
          stable: { ok: true, latencyMs: latency(random, options.stable) },
        }),
        pairEveryMs: 250,
      },
    },
  );
  // Whatever the canary served after its weight reached 0 was nothing: draw() counts by the split.
  return { result, weights, canaryServed, canaryFailed, reached };
}
