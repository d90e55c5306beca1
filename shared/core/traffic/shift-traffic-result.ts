/**
 * What shift-traffic decides around a rollout, and what the step then shows:
 * the gate policy its inputs describe, the deployment status each outcome records,
 * and the outputs, annotation, summary and failure line for each outcome.
 */
import type { ActionResult } from '../action-result.js';
import { escapeCell } from '../markdown.js';
import { COUNTED, type Counted, type GatePolicy } from './gates.js';
import { DEFAULT_FALSE_ROLLBACK, DEFAULT_MISSED_REGRESSION, type SequentialPolicy } from './sequential.js';
import type { RolloutOutcome, RolloutResult } from './rollout-report.js';
import { rolloutSummary } from './rollout-summary.js';
import { describeSplit } from './split.js';

type Names = { stable: string; canary: string };

export interface GateInputs {
  'max-error-rate': number;
  'min-requests': number;
  'max-error-increase'?: number | undefined;
  'max-latency-increase'?: number | undefined;
  'max-crash-rate': number;
  'min-launches': number;
  'max-crash-increase'?: number | undefined;
  /** Absent: failures are taken as reported at once. */
  'launch-report-lag'?: number;
  'failure-limit': number;
  advisory: boolean;
}

/**
 * The router's error rate gates only where the provider reports router metrics; an
 * app's update (EAS) reports launches and crashes instead, gated by the crash inputs.
 * Requests are also compared with stable's by the sequential tests (5xx and, where
 * the revisions can be asked directly, latency); launches keep the per-check limit
 * of max-crash-increase, since their reports arrive too late for a running test.
 */
export function gatePolicyOf(
  settings: GateInputs,
  routerMetrics: boolean,
  counts: Counted = 'requests',
): GatePolicy {
  const [max, min, increase] =
    counts === 'launches'
      ? (['max-crash-rate', 'min-launches', 'max-crash-increase'] as const)
      : (['max-error-rate', 'min-requests', 'max-error-increase'] as const);
  const sequential = counts === 'requests' ? sequentialPolicyOf(settings) : undefined;
  return {
    ...(routerMetrics && {
      errorRate: {
        maxErrorRate: settings[max],
        minRequests: settings[min],
        ...(counts === 'launches' &&
          settings[increase] !== undefined && { maxIncreaseOverStable: settings[increase] }),
        ...(counts === 'launches' && { counts }),
        ...(counts === 'launches' &&
          settings['launch-report-lag'] !== undefined && { reportLagMs: settings['launch-report-lag'] }),
      },
    }),
    ...(sequential && { sequential }),
    failureLimit: settings['failure-limit'],
    advisory: settings.advisory,
  };
}

/** The comparison with stable, when either of its inputs asks for it. */
function sequentialPolicyOf(settings: GateInputs): SequentialPolicy | undefined {
  const errors = settings['max-error-increase'];
  const latency = settings['max-latency-increase'];
  if (errors === undefined && latency === undefined) return undefined;
  return {
    ...(errors !== undefined && { errorIncrease: errors }),
    ...(latency !== undefined && { latencyIncreaseMs: latency }),
    falseRollback: DEFAULT_FALSE_ROLLBACK,
    missedRegression: DEFAULT_MISSED_REGRESSION,
    // The rollout counts its tests (testsIn) once it knows its plan and what can be compared.
    tests: 1,
  };
}

/** The GitHub deployment status an outcome leaves on the canary's deployment. */
export function deploymentStatusOf(
  outcome: RolloutOutcome,
  names: Names,
): { state: 'success' | 'failure' | 'in_progress'; description: string } {
  switch (outcome.kind) {
    case 'promoted':
    case 'already-promoted':
      return { state: 'success', description: `${names.canary} promoted to 100%` };
    case 'rolled-back':
      return { state: 'failure', description: `rolled back to ${names.stable}: ${outcome.reason}` };
    case 'drift':
      return { state: 'failure', description: `stopped: ${outcome.reason}` };
    case 'held':
      return { state: 'in_progress', description: `held: ${outcome.reason}` };
  }
}

export function shiftTrafficResult(
  result: RolloutResult,
  names: Names,
  notes: readonly string[],
  counts: Counted = 'requests',
): ActionResult {
  const { outcome } = result;
  const reason = 'reason' in outcome ? outcome.reason : '';
  const promoted = outcome.kind === 'promoted' || outcome.kind === 'already-promoted';
  const failure =
    outcome.kind === 'rolled-back'
      ? `Rolled back to ${names.stable}: ${reason}`
      : outcome.kind === 'held'
        ? `Held at ${describeSplit(result.split)}: ${reason}. Re-run to continue, or run rollback.`
        : outcome.kind === 'drift'
          ? `Stopped without changing traffic: ${reason}`
          : undefined;
  return {
    outputs: {
      outcome: outcome.kind,
      reason,
      'stable-revision': promoted ? names.canary : names.stable,
      split: JSON.stringify(result.split),
      report: JSON.stringify({
        outcome,
        stable: names.stable,
        canary: names.canary,
        ...(result.startedAt && { startedAt: result.startedAt.toISOString() }),
        split: result.split,
        steps: result.steps,
        detectionToRollbackMs: result.detectionToRollbackMs,
        ...(result.traffic && { traffic: result.traffic }),
        timeline: result.timeline,
      }),
    },
    annotations: failure
      ? [{ level: 'error', message: failure, properties: { title: `shift-traffic: ${outcome.kind}` } }]
      : [],
    summary: rolloutSummary(result, names, notes, COUNTED[counts].rate),
    ...(failure && { failure }),
  };
}

/** Another run holds the environment: nothing moved, and the step says who. */
export function busyResult(reason: string, names: Names): ActionResult {
  return {
    outputs: { outcome: 'busy', reason, 'stable-revision': names.stable, split: '', report: '' },
    annotations: [],
    summary: `## ⏸️ Not started: ${escapeCell(reason)}\n`,
    failure: `Stopped without changing traffic: ${reason}. Run it again when that rollout has finished.`,
  };
}
