/**
 * One rollout in progress: what it set last, its timeline and step reports, and
 * the moves every step shares (set a split, roll back, look for drift). The
 * decisions are core/traffic/rollout-rules'.
 */
import type { Clock } from '../adapters/clock.js';
import type { TrafficProvider } from '../adapters/providers/provider.js';
import type { CheckResult, GatePolicy, GateHistory } from '../core/traffic/gates.js';
import { describeStep, type Plan } from '../core/traffic/plan.js';
import type {
  RolloutOutcome,
  RolloutResult,
  StepReport,
  TimelinePoint,
} from '../core/traffic/rollout-report.js';
import { driftResponse } from '../core/traffic/rollout-rules.js';
import { allOn, describeSplit, percentOf, sameSplit, type Split } from '../core/traffic/split.js';

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

export class Cancelled extends Error {}

export class RolloutRun {
  readonly timeline: TimelinePoint[] = [];
  readonly steps: StepReport[] = [];
  /** The split this run set last (or found at the start). */
  expected: Split;
  /** When a check first failed: the start of detection-to-rollback. */
  firstFailureAt: number | undefined;
  private readonly started: number;

  constructor(
    readonly spec: RolloutSpec,
    readonly deps: RolloutDeps,
    observed: Split,
  ) {
    this.started = deps.clock.now();
    this.expected = observed;
  }

  /** Milliseconds since the rollout started. */
  at(): number {
    return this.deps.clock.now() - this.started;
  }

  canaryPercent(): number {
    return percentOf(this.expected, this.spec.canary);
  }

  async setSplit(split: Split, event: string): Promise<void> {
    await this.deps.provider.setSplit(split);
    this.expected = split;
    await this.deps.onSplit?.(split);
    this.timeline.push({ atMs: this.at(), canaryPercent: this.canaryPercent(), event });
    this.deps.log(`Traffic: ${describeSplit(split)} (${event})`);
  }

  async rollback(reason: string): Promise<RolloutResult> {
    const stable = allOn(this.spec.stable);
    await this.setSplit(stable, 'rollback');
    const detection = this.firstFailureAt === undefined ? undefined : this.at() - this.firstFailureAt;
    return {
      ...this.result({ kind: 'rolled-back', reason }, stable),
      ...(detection !== undefined && { detectionToRollbackMs: detection }),
    };
  }

  /** The split someone else set since this run's last move, if any. */
  async drifted(): Promise<Split | undefined> {
    const now = await this.deps.provider.readSplit();
    return sameSplit(now, this.expected) ? undefined : now;
  }

  async afterDrift(found: Split): Promise<RolloutResult> {
    const response = driftResponse(this.spec, this.expected, found);
    return response.kind === 'rollback'
      ? await this.rollback(response.reason)
      : this.result(response.outcome, found);
  }

  /** Records how step `index` ended, timed from `startedAt`. */
  report(index: number, startedAt: number, result: string, history?: GateHistory): void {
    this.steps.push({
      index,
      step: describeStep(this.spec.plan[index]!),
      canaryPercent: this.canaryPercent(),
      durationMs: this.at() - startedAt,
      result,
      ...(history && { history }),
    });
  }

  result(outcome: RolloutOutcome, split: Split): RolloutResult {
    return { outcome, split, steps: this.steps, timeline: this.timeline };
  }

  checkCancelled(): void {
    if (this.deps.signal?.aborted) throw new Cancelled();
  }

  /** Waits on the clock; a cancellation ends the wait at once. */
  sleep(ms: number): Promise<void> {
    this.checkCancelled();
    const { clock, signal } = this.deps;
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
}
