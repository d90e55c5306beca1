/**
 * The sequential comparison during one analysed step: the canary's and stable's
 * counts since the step began (from the router's live counters where it has them,
 * else from each check's metrics), and paired direct requests for latency, sent in
 * the background while the step waits. The tests themselves are
 * core/traffic/sequential's.
 */
import type { Clock } from '../adapters/clock.js';
import { countsDelta, type RouterMetrics } from '../core/traffic/gates.js';
import {
  carriedOver,
  combinedDecision,
  errorEvidence,
  latencyEvidence,
  pairOutcome,
  type Decision,
  type Evidence,
  type PairTally,
  type SequentialPolicy,
  type Tally,
} from '../core/traffic/sequential.js';
import type { LiveReading } from '../core/traffic/tripwire.js';

/** One direct request's answer, for a latency pair. */
export interface PairSide {
  ok: boolean;
  latencyMs: number;
}

export interface EvidenceOptions {
  policy: SequentialPolicy;
  /** The router counts each revision's requests (metrics or live counters): the 5xx test can run. */
  routerCounts: boolean;
  /** One request to each revision's own address at once; absent: no latency test. */
  pair?: () => Promise<{ canary: PairSide; stable: PairSide }>;
  pairEveryMs: number;
}

/** Stable failing this many direct requests in a row, with no pair yet: its address cannot be asked. */
const UNREACHABLE_AFTER = 3;

/** The tests' state from one analysed step to the next. */
export interface Carried {
  errors?: Evidence;
  latency?: Evidence;
}

const noTally: Tally = { requests: 0, errors: 0 };

export class StepEvidence {
  private metricsBaseline: RouterMetrics | undefined;
  private liveBaseline: LiveReading | undefined;
  private canary: Tally = noTally;
  private stable: Tally = noTally;
  private fromLive = false;
  private pairs: PairTally = { slower: 0, notSlower: 0 };
  private pairInFlight = false;
  private nextPairAt = 0;
  private stableMisses = 0;
  private latencyUnavailable: string | undefined;
  private errors: Evidence | undefined;
  private latency: Evidence | undefined;

  constructor(
    private readonly names: { stable: string; canary: string },
    private readonly options: EvidenceOptions,
    private readonly clock: Clock,
    /** Stable's traffic in the rollout's earlier steps: the reference where this step has too little. */
    private readonly earlier: Tally,
    baseline: RouterMetrics | undefined,
    /** The tests as the last analysed step left them. */
    carried: Carried = {},
  ) {
    this.metricsBaseline = baseline;
    this.errors = carriedOver(carried.errors);
    this.latency = carriedOver(carried.latency);
  }

  /** What the next analysed step starts from. */
  carry(): Carried {
    return { ...(this.errors && { errors: this.errors }), ...(this.latency && { latency: this.latency }) };
  }

  /** A check's metrics: counts since the step began, unless the live counters already give them. */
  fromMetrics(now: RouterMetrics | undefined): void {
    if (!now) return;
    if (!this.metricsBaseline) {
      this.metricsBaseline = now;
      return;
    }
    if (this.fromLive) return;
    const canary = countsDelta(this.metricsBaseline[this.names.canary], now[this.names.canary]);
    const stable = countsDelta(this.metricsBaseline[this.names.stable], now[this.names.stable]);
    if (canary) this.canary = { requests: canary.requests, errors: canary.errors5xx };
    if (stable) this.stable = { requests: stable.requests, errors: stable.errors5xx };
    this.judgeErrors();
  }

  /** A tripwire reading: ended and failed requests since the step's first reading. */
  fromLiveReading(reading: LiveReading): void {
    if (!this.liveBaseline) {
      this.liveBaseline = reading;
      return;
    }
    const tally = (name: string): Tally | undefined => {
      const [before, now] = [this.liveBaseline?.[name], reading[name]];
      if (!before || !now || now.ended < before.ended || now.failed < before.failed) return undefined;
      return { requests: now.ended - before.ended, errors: now.failed - before.failed };
    };
    const canary = tally(this.names.canary);
    const stable = tally(this.names.stable);
    // A counter that went back (a reload) starts the step's counts again from here.
    if (!canary || !stable) {
      this.liveBaseline = reading;
      return;
    }
    this.fromLive = true;
    this.canary = canary;
    this.stable = stable;
    this.judgeErrors();
  }

  /** Starts a latency pair when one is due and none is in flight. */
  tick(): void {
    const { pair, pairEveryMs } = this.options;
    const now = this.clock.now();
    if (!pair || this.latencyUnavailable || this.pairInFlight || now < this.nextPairAt) return;
    this.pairInFlight = true;
    this.nextPairAt = now + pairEveryMs;
    pair()
      .then(({ canary, stable }) => this.pairAnswered(canary, stable))
      .catch(() => undefined)
      .finally(() => (this.pairInFlight = false));
  }

  private pairAnswered(canary: PairSide, stable: PairSide): void {
    const allowance = this.options.policy.latencyIncreaseMs ?? 0;
    const outcome = pairOutcome(canary, stable, allowance);
    if (!stable.ok) {
      this.stableMisses++;
      if (this.stableMisses >= UNREACHABLE_AFTER && this.pairs.slower + this.pairs.notSlower === 0)
        this.latencyUnavailable = `latency: not compared, stable's own address did not answer ${UNREACHABLE_AFTER} direct requests`;
      return;
    }
    this.stableMisses = 0;
    if (outcome === 'void') return;
    this.pairs =
      outcome === 'slower'
        ? { ...this.pairs, slower: this.pairs.slower + 1 }
        : { ...this.pairs, notSlower: this.pairs.notSlower + 1 };
    this.latency = latencyEvidence(this.latency, this.pairs, this.options.policy);
  }

  private judgeErrors(): void {
    this.errors = errorEvidence(this.errors, this.canary, this.stable, this.earlier, this.options.policy);
  }

  /** The tests as they stand; a latency test that could not run is left out, and said so in notes(). */
  evidence(): Evidence[] {
    const { policy, routerCounts, pair } = this.options;
    const errors = routerCounts
      ? [this.errors ?? errorEvidence(undefined, this.canary, this.stable, this.earlier, policy)]
      : [];
    const latency =
      pair && !this.latencyUnavailable
        ? [this.latency ?? latencyEvidence(undefined, this.pairs, policy)]
        : [];
    return [...errors, ...latency];
  }

  /** Undefined when no test can run here (no router counts, no addresses to ask). */
  decision(): Decision | undefined {
    const evidence = this.evidence();
    return evidence.length > 0 ? combinedDecision(evidence) : undefined;
  }

  /** Why a test was left out, for the step's report. */
  notes(): string[] {
    return this.latencyUnavailable ? [this.latencyUnavailable] : [];
  }

  /** Stable's traffic in this step, for the next step's reference. */
  stableServed(): Tally {
    return this.stable;
  }
}
