import type { RolloutTraffic } from './rollout-traffic.js';
/** What a rollout did, as data: the outcome, each step, and a timeline for the chart. */
import type { CheckResult, GateHistory } from './gates.js';
import type { Split } from './split.js';

export interface TimelinePoint {
  atMs: number;
  canaryPercent: number;
  /** The canary's 5xx rate over the check's window, when the router reported one. */
  canaryErrorRate?: number;
  verdict?: CheckResult['verdict'];
  event?: string;
}

export interface StepReport {
  index: number;
  step: string;
  canaryPercent: number;
  durationMs: number;
  history?: GateHistory;
  result: string;
}

export type RolloutOutcome =
  | { kind: 'promoted' }
  | { kind: 'already-promoted' }
  | { kind: 'rolled-back'; reason: string }
  | { kind: 'held'; reason: string }
  | { kind: 'drift'; reason: string };

export interface RolloutResult {
  outcome: RolloutOutcome;
  split: Split;
  steps: StepReport[];
  timeline: TimelinePoint[];
  /** When the rollout started (wall clock): the timeline's atMs count from here. */
  startedAt?: Date;
  /** Users' requests and failures per revision while the rollout ran, when the router counts them. */
  traffic?: RolloutTraffic;
  /**
   * Milliseconds from the first failure seen (the router's, to within one tripwire
   * reading; else the first failed check) to the router taking the canary's traffic away.
   */
  detectionToRollbackMs?: number;
}

/** The canary's weight when users last had it (before a hold or the rollback took it to 0). */
export function lastCanaryWeight(timeline: readonly TimelinePoint[]): number {
  const end = timeline.findIndex((p) => p.event === 'rollback');
  const before = end < 0 ? timeline : timeline.slice(0, end);
  return before.findLast((p) => p.canaryPercent > 0)?.canaryPercent ?? 0;
}
