/**
 * The rules a rollout follows between router reads, pure so each can be
 * table-tested: where it starts, what a split moved by someone else means, how the
 * error-rate baseline moves, what the end of an analysis window decides, and why
 * a failure anywhere ends on stable.
 */
import {
  afterWindow,
  countsDelta,
  errorRateCheck,
  type CheckResult,
  type ErrorRatePolicy,
  type GateHistory,
  type GatePolicy,
  type RouterMetrics,
} from './gates.js';
import { resumeIndex, type Plan } from './plan.js';
import type { Decision } from './sequential.js';
import type { RolloutOutcome } from './rollout-report.js';
import { allOn, describeSplit, percentOf, sameSplit, type Split } from './split.js';

export interface RolloutNames {
  stable: string;
  canary: string;
}

export type RolloutStart =
  { kind: 'go'; index: number; canaryPercent: number } | { kind: 'stop'; outcome: RolloutOutcome };

/**
 * Where a rollout starts from the split the router reports: the step after the
 * canary's current weight (a re-run resumes), or nowhere when the split is not
 * one this plan could have set.
 */
export function startOf(plan: Plan, names: RolloutNames, observed: Split): RolloutStart {
  const others = Object.keys(observed).filter((r) => r !== names.stable && r !== names.canary);
  if (others.length > 0) {
    const reason = `traffic is on ${describeSplit(observed)}, not only on ${names.stable} and ${names.canary}; nothing was changed`;
    return { kind: 'stop', outcome: { kind: 'drift', reason } };
  }
  const canaryPercent = percentOf(observed, names.canary);
  if (canaryPercent === 100) return { kind: 'stop', outcome: { kind: 'already-promoted' } };
  const index = resumeIndex(plan, canaryPercent);
  if (index === 'drift') {
    const reason = `the canary has ${canaryPercent}%, a weight this plan never sets; nothing was changed`;
    return { kind: 'stop', outcome: { kind: 'drift', reason } };
  }
  return { kind: 'go', index, canaryPercent };
}

export type DriftResponse = { kind: 'rollback'; reason: string } | { kind: 'leave'; outcome: RolloutOutcome };

/**
 * Someone else's split is left as found, except one: everything on stable while
 * the canary should have a share. The router took the canary out (down, in
 * maintenance) or a person sent users back; either way its weight must not return
 * the moment it comes back up, so the rollback makes it so.
 */
export function driftResponse(names: RolloutNames, expected: Split, found: Split): DriftResponse {
  if (sameSplit(found, allOn(names.stable)) && percentOf(expected, names.canary) > 0) {
    return {
      kind: 'rollback',
      reason: `the router stopped sending the canary traffic (it reports ${describeSplit(found)}, expected ${describeSplit(expected)}): the canary is down or in maintenance, or traffic was moved back by hand`,
    };
  }
  const reason = `the split changed outside this run: expected ${describeSplit(expected)}, found ${describeSplit(found)}; it was left as found`;
  return { kind: 'leave', outcome: { kind: 'drift', reason } };
}

export interface ErrorRateReading {
  check: CheckResult;
  /** Where the next check counts from. */
  baseline: RouterMetrics | undefined;
  canaryErrorRate?: number;
}

/**
 * The error-rate check on the traffic since the baseline. The baseline moves on
 * only after a check that reached a verdict, so counts keep adding up until a
 * window holds enough requests.
 */
export function errorRateReading(
  policy: ErrorRatePolicy,
  names: RolloutNames,
  baseline: RouterMetrics | undefined,
  now: RouterMetrics | undefined,
): ErrorRateReading {
  const canary = countsDelta(baseline?.[names.canary], now?.[names.canary]);
  const stable = countsDelta(baseline?.[names.stable], now?.[names.stable]);
  const check = errorRateCheck(policy, canary, stable);
  return {
    check,
    baseline: check.verdict === 'inconclusive' ? baseline : now,
    ...(canary && canary.requests > 0 && { canaryErrorRate: canary.errors5xx / canary.requests }),
  };
}

export type WindowEnd =
  | { kind: 'passed'; result: string }
  | { kind: 'undecided'; ms: number; note: string }
  | { kind: 'rollback'; reason: string }
  | { kind: 'extend'; ms: number; note: string }
  | { kind: 'held'; reason: string };

/**
 * What the end of an analysis window decides. A window without a verdict on a
 * platform whose metrics arrive late is checked once more for that long before
 * the split is held where it is.
 */
export function windowEnd(
  history: GateHistory,
  policy: GatePolicy,
  late: { delayMs: number; waited: boolean },
  expected: Split,
  comparison?: Comparison,
): WindowEnd {
  const verdict = afterWindow(history, policy);
  if (verdict.kind === 'rollback') return verdict;
  if (comparison && !policy.advisory && verdict.kind === 'advance') {
    const compared = comparisonEnd(comparison, history, expected);
    if (compared) return compared;
  }
  if (verdict.kind === 'advance')
    return {
      kind: 'passed',
      result: `passed ${history.passes} of ${history.checks} checks${comparison ? `; ${comparison.detail}` : ''}`,
    };
  const seconds = Math.round(late.delayMs / 1000);
  if (late.delayMs > 0 && !late.waited && policy.errorRate) {
    return {
      kind: 'extend',
      ms: late.delayMs,
      note: `No verdict yet (${verdict.reason}); the platform's metrics arrive up to ${seconds}s late, so checking that much longer before holding`,
    };
  }
  const including = late.waited ? `, including ${seconds}s more for the platform's late metrics` : '';
  return {
    kind: 'held',
    reason: `${verdict.reason}${including}; traffic stays at ${describeSplit(expected)}`,
  };
}

/** Where the sequential comparison with stable stands when a window's time is up. */
export interface Comparison {
  decision: Decision;
  detail: string;
  /** How long the window has already run past its planned end, waiting for a decision. */
  extendedMs: number;
  /** The most it may run past it; then the split is held. */
  maxExtendMs: number;
  intervalMs: number;
}

/**
 * A window whose checks passed advances only when the comparison says the canary
 * is not worse; while it cannot tell yet, the weight stays and the window goes on,
 * up to its limit; then the split is held, not promoted on too little evidence.
 */
function comparisonEnd(c: Comparison, history: GateHistory, expected: Split): WindowEnd | undefined {
  if (c.decision === 'not-worse') return undefined;
  if (c.decision === 'worse') return { kind: 'rollback', reason: c.detail };
  if (c.extendedMs < c.maxExtendMs)
    return {
      kind: 'undecided',
      ms: Math.min(c.intervalMs, c.maxExtendMs - c.extendedMs),
      note: `The step's time is up with no decision yet (${c.detail}); the weight stays while the comparison goes on, for at most ${Math.round(c.maxExtendMs / 1000)}s more`,
    };
  return {
    kind: 'held',
    reason: `the comparison with stable reached no decision in ${Math.round(c.extendedMs / 1000)}s past the step's time (${c.detail}; ${history.checks} checks); traffic stays at ${describeSplit(expected)}`,
  };
}

/**
 * Why a rollout that stopped on an error goes back to stable: a platform that
 * failed mid-rollout (a refused weight, a crashed command) must not leave users on
 * a half-moved split, and stable is the split known to be good.
 */
export function failureReason(error: unknown, cancelled: boolean): string {
  return cancelled ? 'the run was cancelled' : `the rollout failed: ${(error as Error).message}`;
}
