/**
 * One rollout in progress: what it set last, its timeline and step reports, and
 * the moves every step shares (set a split, roll back, look for drift). The
 * decisions are core/traffic/rollout-rules'.
 */
import type { Clock } from '../adapters/clock.js';
import type { TrafficProvider } from '../adapters/providers/provider.js';
import type { CheckResult, GatePolicy, GateHistory, Verdict } from '../core/traffic/gates.js';
import { describeStep, type Plan } from '../core/traffic/plan.js';
import type {
  RolloutOutcome,
  RolloutResult,
  StepReport,
  TimelinePoint,
} from '../core/traffic/rollout-report.js';
import { driftResponse } from '../core/traffic/rollout-rules.js';
import { allOn, describeSplit, percentOf, sameSplit, type Split } from '../core/traffic/split.js';
import type { RouterMetrics } from '../core/traffic/gates.js';
import { testsIn, type SequentialPolicy, type Tally } from '../core/traffic/sequential.js';
import type { Trip } from '../core/traffic/tripwire.js';
import { ProbeWatch, type ProbeWatchOptions } from './probe-watch.js';
import { StepEvidence, type Carried, type EvidenceOptions } from './step-evidence.js';
import { Tripwire, type TripwireOptions, type Watcher } from './tripwire.js';

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
  /** Reads the router between checks and takes a failing canary out at once. */
  tripwire?: TripwireOptions;
  /** Without a live tripwire: the revision probes, sent between checks. */
  probeWatch?: ProbeWatchOptions;
  /** Paired direct requests to both revisions for the latency comparison; absent: latency is not compared. */
  latencyPairs?: Pick<EvidenceOptions, 'pair' | 'pairEveryMs'>;
}

export class Cancelled extends Error {}

export class RolloutRun {
  readonly timeline: TimelinePoint[] = [];
  readonly steps: StepReport[] = [];
  readonly startedAt: Date;
  private stepPercent = 0;
  /** The split this run set last (or found at the start). */
  expected: Split;
  /** When the first failure was seen (a trip, or else a failed check): detection starts here. */
  firstFailureAt: number | undefined;
  /** The last check that passed: a failure the next check finds happened after it. */
  private clearAt = 0;
  /** When traffic last left the canary for a failure's sake (a tripwire's hold). */
  private heldAt: number | undefined;
  /** When the router last took a split from this run. */
  private movedAt = 0;
  readonly tripwire: Watcher | undefined;
  private readonly started: number;
  /** The comparison with stable during the analysed step under way, when one is running. */
  evidence: StepEvidence | undefined;
  private readonly sequential: SequentialPolicy | undefined;
  /** Stable's traffic in the steps analysed so far. */
  private stableEarlier: Tally = { requests: 0, errors: 0 };
  private carried: Carried = {};
  /** Which of the comparison's tests can run here: router counts, and addresses to pair. */
  private readonly compared: { errors: boolean; latency: boolean };

  constructor(
    readonly spec: RolloutSpec,
    readonly deps: RolloutDeps,
    observed: Split,
  ) {
    this.started = deps.clock.now();
    this.startedAt = deps.clock.date();
    this.expected = observed;
    this.tripwire = deps.tripwire
      ? new Tripwire(this, deps.tripwire)
      : deps.probeWatch && new ProbeWatch(this, deps.probeWatch);
    const sequential = spec.policy.sequential;
    this.compared = {
      errors: Boolean(deps.provider.metrics) && sequential?.errorIncrease !== undefined,
      latency: Boolean(deps.latencyPairs?.pair) && sequential?.latencyIncreaseMs !== undefined,
    };
    const metrics = Number(this.compared.errors) + Number(this.compared.latency);
    this.sequential = sequential && { ...sequential, tests: testsIn(spec.plan, metrics) };
  }

  /** An analysed step with canary traffic begins: its comparison with stable starts from `baseline`. */
  beginEvidence(baseline: RouterMetrics | undefined): void {
    this.endEvidence();
    if (!this.sequential || this.canaryPercent() === 0) return;
    const pair = this.compared.latency ? this.deps.latencyPairs?.pair : undefined;
    const options: EvidenceOptions = {
      policy: pair ? this.sequential : { ...this.sequential, latencyIncreaseMs: undefined },
      routerCounts: this.compared.errors,
      pairEveryMs: this.deps.latencyPairs?.pairEveryMs ?? 0,
      ...(pair && { pair }),
    };
    this.evidence = new StepEvidence(
      this.spec,
      options,
      this.deps.clock,
      this.stableEarlier,
      baseline,
      this.carried,
    );
  }

  endEvidence(): void {
    if (!this.evidence) return;
    const served = this.evidence.stableServed();
    this.carried = this.evidence.carry();
    this.stableEarlier = {
      requests: this.stableEarlier.requests + served.requests,
      errors: this.stableEarlier.errors + served.errors,
    };
    this.evidence = undefined;
  }

  /**
   * Between checks: starts a latency pair when one is due, and trips when the
   * comparison says the canary is decisively worse (never in advisory mode).
   */
  evidenceTrip(): Extract<Trip, { kind: 'evidence' }> | undefined {
    const evidence = this.evidence;
    if (!evidence) return undefined;
    evidence.tick();
    if (this.spec.policy.advisory || evidence.decision() !== 'worse') return undefined;
    const reason = evidence
      .evidence()
      .filter((e) => e.decision === 'worse')
      .map((e) => e.detail)
      .join('; ');
    return { kind: 'evidence', reason, sinceMs: this.deps.clock.now() };
  }

  /** Milliseconds since the rollout started. */
  at(): number {
    return this.deps.clock.now() - this.started;
  }

  canaryPercent(): number {
    return percentOf(this.expected, this.spec.canary);
  }

  /** `record: false` for a tripwire's brief hold and resume, which deployments need not list. */
  async setSplit(split: Split, event: string, { record = true } = {}): Promise<void> {
    await this.deps.provider.setSplit(split);
    this.movedAt = this.at();
    if (event === 'hold') this.heldAt = this.movedAt;
    this.expected = split;
    if (record) await this.deps.onSplit?.(split);
    this.timeline.push({ atMs: this.at(), canaryPercent: this.canaryPercent(), event });
    this.deps.log(`Traffic: ${describeSplit(split)} (${event})`);
  }

  async rollback(reason: string): Promise<RolloutResult> {
    const stable = allOn(this.spec.stable);
    await this.setSplit(stable, 'rollback');
    const detection =
      this.firstFailureAt === undefined ? undefined : (this.heldAt ?? this.movedAt) - this.firstFailureAt;
    return {
      ...this.result({ kind: 'rolled-back', reason }, stable),
      ...(detection !== undefined && { detectionToRollbackMs: detection }),
    };
  }

  /** A check's verdict: a pass moves the clear mark; the first failure dates detection from it. */
  checked(verdict: Verdict): void {
    if (verdict === 'pass') this.clearAt = this.at();
    else if (verdict === 'fail') this.firstFailureAt ??= this.clearAt;
  }

  /** A failure the router saw at `clockMs` (the clock's time, not the run's). */
  failureSeenAt(clockMs: number): void {
    this.firstFailureAt ??= clockMs - this.started;
  }

  /** A trip that was not confirmed: detection starts again at the next failure. */
  failureCleared(): void {
    this.firstFailureAt = undefined;
    this.heldAt = undefined;
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
  /** A step begins: its start time, and the weight it runs at (a trip may end it at 0). */
  startStep(): number {
    this.stepPercent = this.canaryPercent();
    return this.at();
  }

  report(index: number, startedAt: number, result: string, history?: GateHistory): void {
    this.steps.push({
      index,
      step: describeStep(this.spec.plan[index]!),
      // A weight step reports the weight it set; the others the one they ran at.
      canaryPercent: result === 'set' ? this.canaryPercent() : this.stepPercent,
      durationMs: this.at() - startedAt,
      result,
      ...(history && { history }),
    });
  }

  result(outcome: RolloutOutcome, split: Split): RolloutResult {
    return { outcome, split, steps: this.steps, timeline: this.timeline, startedAt: this.startedAt };
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
