/**
 * Carries a rollout plan out against a traffic provider. Every decision comes from
 * the pure core (resume point, gate verdicts, window verdicts); this loop only
 * reads the router, waits, and moves weights. Whatever happens, it returns with
 * traffic on a split it chose on purpose: the next step, all on stable, or, when
 * someone else moved the weights, exactly what they set.
 */
import type { Clock } from '../adapters/clock.js';
import type { TrafficProvider } from '../adapters/providers/provider.js';
import {
  afterCheck,
  afterWindow,
  combineChecks,
  countsDelta,
  emptyHistory,
  errorRateCheck,
  recordCheck,
  type CheckResult,
  type GateHistory,
  type GatePolicy,
  type RouterMetrics,
} from '../core/traffic/gates.js';
import { describeStep, resumeIndex, type Plan } from '../core/traffic/plan.js';
import {
  allOn,
  canarySplit,
  describeSplit,
  percentOf,
  sameSplit,
  type Split,
} from '../core/traffic/split.js';
import type {
  RolloutOutcome,
  RolloutResult,
  StepReport,
  TimelinePoint,
} from '../core/traffic/rollout-report.js';

export type { RolloutOutcome, RolloutResult, StepReport, TimelinePoint };

export interface RolloutSpec {
  stable: string;
  canary: string;
  plan: Plan;
  policy: GatePolicy;
}

export interface RolloutDeps {
  provider: TrafficProvider;
  clock: Clock;
  log: (message: string) => void;
  warn: (message: string) => void;
  /** HTTP probe gate; absent when no probes are configured. */
  probe?: () => Promise<CheckResult>;
  /** Aborted on cancellation: the rollout returns traffic to stable at once. */
  signal?: AbortSignal;
  /** Called after every weight change (e.g. to record a deployment status). */
  onSplit?: (split: Split) => Promise<void> | void;
  /**
   * How late the provider's metrics arrive (Cloud Monitoring: minutes). A window
   * that ends without a verdict keeps checking this much longer before it holds,
   * so a step is judged on its own traffic rather than on no data.
   */
  metricsDelayMs?: number;
}

class Cancelled extends Error {}

export async function runRollout(spec: RolloutSpec, deps: RolloutDeps): Promise<RolloutResult> {
  const { provider, clock } = deps;
  const started = clock.now();
  const timeline: TimelinePoint[] = [];
  const steps: StepReport[] = [];
  const at = () => clock.now() - started;

  const observed = await provider.readSplit();
  const others = Object.keys(observed).filter((r) => r !== spec.stable && r !== spec.canary);
  if (others.length > 0) {
    return done(
      {
        kind: 'drift',
        reason: `traffic is on ${describeSplit(observed)}, not only on ${spec.stable} and ${spec.canary}; nothing was changed`,
      },
      observed,
    );
  }
  const canaryNow = percentOf(observed, spec.canary);
  if (canaryNow === 100) return done({ kind: 'already-promoted' }, observed);
  const start = resumeIndex(spec.plan, canaryNow);
  if (start === 'drift') {
    return done(
      {
        kind: 'drift',
        reason: `the canary has ${canaryNow}%, a weight this plan never sets; nothing was changed`,
      },
      observed,
    );
  }
  if (start > 0) deps.log(`Resuming at step ${start + 1}: the canary already has ${canaryNow}%`);

  let expected: Split = observed;
  let firstFailureAt: number | undefined;
  timeline.push({ atMs: 0, canaryPercent: canaryNow, event: 'start' });

  const setSplit = async (split: Split, event: string) => {
    await provider.setSplit(split);
    expected = split;
    await deps.onSplit?.(split);
    timeline.push({ atMs: at(), canaryPercent: percentOf(split, spec.canary), event });
    deps.log(`Traffic: ${describeSplit(split)} (${event})`);
  };

  const rollback = async (reason: string): Promise<RolloutResult> => {
    await setSplit(allOn(spec.stable), 'rollback');
    const detection = firstFailureAt === undefined ? undefined : at() - firstFailureAt;
    return {
      ...done({ kind: 'rolled-back', reason }, allOn(spec.stable)),
      ...(detection !== undefined && { detectionToRollbackMs: detection }),
    };
  };

  const drifted = async (): Promise<Split | undefined> => {
    const now = await provider.readSplit();
    return sameSplit(now, expected) ? undefined : now;
  };

  /**
   * Someone else's split is left as found, except one: everything on stable while
   * the canary should have a share. The router took the canary out (down, in
   * maintenance) or a person sent users back; either way its weight must not
   * return the moment it comes back up, so the rollback makes it so.
   */
  const afterDrift = async (moved: Split): Promise<RolloutResult> =>
    sameSplit(moved, allOn(spec.stable)) && percentOf(expected, spec.canary) > 0
      ? await rollback(
          `the router stopped sending the canary traffic (it reports ${describeSplit(moved)}, expected ${describeSplit(expected)}): the canary is down or in maintenance, or traffic was moved back by hand`,
        )
      : done(driftOutcome(expected, moved), moved);

  try {
    for (let index = start; index < spec.plan.length; index++) {
      const step = spec.plan[index]!;
      const stepStarted = at();
      const report = (result: string, history?: GateHistory) =>
        steps.push({
          index,
          step: describeStep(step),
          canaryPercent: percentOf(expected, spec.canary),
          durationMs: at() - stepStarted,
          result,
          ...(history && { history }),
        });
      checkCancelled(deps.signal);

      if (step.kind === 'weight') {
        await setSplit(
          canarySplit(spec.stable, spec.canary, step.percent),
          `step ${index + 1}: canary ${step.percent}%`,
        );
        report('set');
      } else if (step.kind === 'pause') {
        await sleep(clock, step.durationMs, deps.signal);
        const moved = await drifted();
        if (moved) return await afterDrift(moved);
        report('waited');
      } else {
        let history = emptyHistory;
        let baseline = await readMetrics(deps);
        let windowEnd = clock.now() + step.durationMs;
        let waitedForLateMetrics = false;
        for (;;) {
          while (clock.now() < windowEnd) {
            await sleep(clock, Math.min(step.intervalMs, Math.max(windowEnd - clock.now(), 0)), deps.signal);
            const moved = await drifted();
            if (moved) {
              report('drift', history);
              return await afterDrift(moved);
            }
            const now = await readMetrics(deps);
            const checks: CheckResult[] = [];
            let canaryErrorRate: number | undefined;
            if (spec.policy.errorRate) {
              const canary = countsDelta(baseline?.[spec.canary], now?.[spec.canary]);
              const stable = countsDelta(baseline?.[spec.stable], now?.[spec.stable]);
              const check = errorRateCheck(spec.policy.errorRate, canary, stable);
              if (canary && canary.requests > 0) canaryErrorRate = canary.errors5xx / canary.requests;
              // Keep counting from the same baseline until a window holds enough requests.
              if (check.verdict !== 'inconclusive') baseline = now;
              checks.push(check);
            }
            if (deps.probe) checks.push(await deps.probe());
            const result = combineChecks(checks);
            history = recordCheck(history, result);
            if (result.verdict === 'fail' && firstFailureAt === undefined) firstFailureAt = at();
            timeline.push({
              atMs: at(),
              canaryPercent: percentOf(expected, spec.canary),
              verdict: result.verdict,
              ...(canaryErrorRate !== undefined && { canaryErrorRate }),
            });
            const decision = afterCheck(history, spec.policy);
            if (decision.kind === 'rollback') {
              report('failed', history);
              return await rollback(decision.reason);
            }
            if (decision.kind === 'warn') deps.warn(`Advisory gate failed: ${decision.reason}`);
          }
          const verdict = afterWindow(history, spec.policy);
          const delay = deps.metricsDelayMs ?? 0;
          if (verdict.kind === 'no-verdict' && delay > 0 && !waitedForLateMetrics && spec.policy.errorRate) {
            waitedForLateMetrics = true;
            windowEnd = clock.now() + delay;
            deps.log(
              `No verdict yet (${verdict.reason}); the platform's metrics arrive up to ${Math.round(delay / 1000)}s late, so checking that much longer before holding`,
            );
            continue;
          }
          if (verdict.kind === 'rollback') {
            report('failed', history);
            return await rollback(verdict.reason);
          }
          if (verdict.kind === 'no-verdict') {
            report('no verdict', history);
            return done(
              {
                kind: 'held',
                reason: `${verdict.reason}${waitedForLateMetrics ? `, including ${Math.round(delay / 1000)}s more for the platform's late metrics` : ''}; traffic stays at ${describeSplit(expected)}`,
              },
              expected,
            );
          }
          report(`passed ${history.passes} of ${history.checks} checks`, history);
          break;
        }
      }
    }
    checkCancelled(deps.signal);
    if (percentOf(expected, spec.canary) !== 100) await setSplit(allOn(spec.canary), 'promote');
    return done({ kind: 'promoted' }, allOn(spec.canary));
  } catch (error) {
    if (error instanceof Cancelled) return await rollback('the run was cancelled');
    // A platform that failed mid-rollout (a refused weight, a crashed command) must
    // not leave users on a half-moved split: stable is the split known to be good.
    try {
      return await rollback(`the rollout failed: ${(error as Error).message}`);
    } catch {
      throw error;
    }
  }

  function done(outcome: RolloutOutcome, split: Split): RolloutResult {
    return { outcome, split, steps, timeline };
  }
}

function driftOutcome(expected: Split, found: Split): RolloutOutcome {
  return {
    kind: 'drift',
    reason: `the split changed outside this run: expected ${describeSplit(expected)}, found ${describeSplit(found)}; it was left as found`,
  };
}

async function readMetrics(deps: RolloutDeps): Promise<RouterMetrics | undefined> {
  if (!deps.provider.metrics) return undefined;
  try {
    return await deps.provider.metrics();
  } catch (error) {
    deps.warn(`Router metrics unavailable, so this check has no verdict: ${(error as Error).message}`);
    return undefined;
  }
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Cancelled();
}

function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  checkCancelled(signal);
  if (!signal) return clock.sleep(ms);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    clock.sleep(ms).then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}
