/**
 * The default gate's comparison of canary with stable: Wald's sequential
 * probability ratio test, once for 5xx answers and once for latency. A test says
 * "worse" as soon as the evidence for a regression is decisive, "not worse" once
 * the evidence against one is, and nothing otherwise, so a rollout holds its
 * weight until the data decide. The evidence runs on across the rollout's steps
 * (a canary's share of errors does not depend on its weight), each step's requests
 * weighed against stable's share in that step. Wald's bounds set the error rates:
 * a canary as good as stable reaches "worse" with probability about
 * `falseRollback` (split between the tests), one exactly as bad as the stated
 * regression reaches "not worse" with probability about `missedRegression`; the
 * restart at the lower bound (see errorEvidence) trades a little of the first for
 * catching late faults, which is why the bound is also measured by simulation.
 */

export interface SequentialPolicy {
  /** The rise of the canary's 5xx share over stable's that must be caught (0.01 = one point); absent: no 5xx test. */
  errorIncrease?: number;
  /** A canary answer slower than stable's by more than this counts against it; absent: no latency test. */
  latencyIncreaseMs?: number;
  /** Chance of rolling back a canary as good as stable, over the whole rollout. */
  falseRollback: number;
  /** Chance of passing a step with a canary exactly as bad as the stated regression. */
  missedRegression: number;
  /**
   * How many tests share the false-rollback budget: the metrics compared times the
   * steps analysed, since each step can end in a rollback on its own evidence.
   */
  tests: number;
}

export const DEFAULT_FALSE_ROLLBACK = 0.01;
export const DEFAULT_MISSED_REGRESSION = 0.02;

/** Requests and failed ones (5xx, no answer) of one revision over a step. */
export interface Tally {
  requests: number;
  errors: number;
}

/** Paired direct requests: how often the canary's answer was slower than stable's by more than allowed. */
export interface PairTally {
  slower: number;
  notSlower: number;
}

export type Decision = 'worse' | 'not-worse' | 'undecided';

export interface Evidence {
  metric: '5xx' | 'latency';
  decision: Decision;
  /** Log-likelihood ratio of "regressed" over "as good as stable": at the upper bound, worse. */
  llr: number;
  /** Where it differs (5xx): the ratio that clears the canary at the lower bound; else llr does both. */
  clear?: number;
  /** The observations the test has used: canary requests, or pairs. */
  samples: number;
  /** Of those, the ones against the canary: failed requests, or slower pairs. */
  errors: number;
  /** Stable's failed requests in the step so far (5xx). */
  stableErrors?: number;
  detail: string;
}

/** Stable must have served this many requests in the window before its 5xx share is a reference. */
export const MIN_REFERENCE_REQUESTS = 200;

/** Under "not slower" a pair is slower at most half the time; under "slower", this often. */
const SLOWER_SHARE_IF_REGRESSED = 0.8;

/**
 * How many tests share the false-rollback budget: each analysed step can end in a
 * rollback on its own evidence, by each metric compared.
 */
export function testsIn(plan: readonly { kind: string }[], metrics: number): number {
  return Math.max(plan.filter((s) => s.kind === 'analysis').length * metrics, 1);
}

/** Wald's thresholds on the log-likelihood ratio: at or above `upper` is worse, at or below `lower` not worse. */
export function waldBounds(policy: SequentialPolicy): { upper: number; lower: number } {
  const alpha = policy.falseRollback / Math.max(policy.tests, 1);
  const beta = policy.missedRegression;
  return { upper: Math.log((1 - beta) / alpha), lower: Math.log(beta / (1 - alpha)) };
}

function decide(llr: number, policy: SequentialPolicy): Decision {
  const { upper, lower } = waldBounds(policy);
  return llr >= upper ? 'worse' : llr <= lower ? 'not-worse' : 'undecided';
}

/** A 5xx share with Jeffreys' half count, so a window without an error still has a share above 0. */
export function shareOf(tally: Tally): number {
  return (tally.errors + 0.5) / (tally.requests + 1);
}

/** The two hypotheses for the canary's 5xx share: as good as a stable at `stable`, or worse by errorIncrease. */
export function errorHypotheses(stable: Tally, policy: SequentialPolicy): { p0: number; p1: number } {
  const p0 = shareOf(stable);
  return { p0, p1: Math.min(p0 + (policy.errorIncrease ?? 0), 0.999) };
}

/** What one canary request adds to an unconditional 5xx ratio, on average, at a true share of `p`. */
export function errorDrift(p: number, p0: number, p1: number): number {
  return p * Math.log(p1 / p0) + (1 - p) * Math.log((1 - p1) / (1 - p0));
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
/** n draws weighed by log(a/b); no draws weigh nothing, whatever a and b are. */
const weigh = (n: number, a: number, b: number) => (n > 0 ? n * Math.log(a / b) : 0);
const plus = (a: Tally, b: Tally): Tally => ({
  requests: a.requests + b.requests,
  errors: a.errors + b.errors,
});

/**
 * The "worse" side while stable serves beside the canary: of the step's failed
 * requests, the canary's share against its share of the requests. If the canary is
 * as good as stable, each failure is the canary's with the odds of its traffic
 * share, whatever stable's own rate: the false-rollback bound needs no estimate of
 * it. Stable's rate only shapes the alternative (what "worse by errorIncrease" looks
 * like), so a lucky, error-free stable costs power, never a false rollback.
 */
function splitOfFailures(
  added: { canary: number; stable: number },
  canary: Tally,
  stable: Tally,
  policy: SequentialPolicy,
): number {
  const { p0, p1 } = errorHypotheses(stable, policy);
  const theta0 = canary.requests / (canary.requests + stable.requests);
  const theta1 = (canary.requests * p1) / (canary.requests * p1 + stable.requests * p0);
  return weigh(added.canary, theta1, theta0) + weigh(added.stable, 1 - theta1, 1 - theta0);
}

/**
 * The "worse" side where stable serves too little beside it (at 100 %): each
 * canary request against the share both revisions would have in common if the
 * canary were as good as stable, stable's earlier traffic pooled with the canary's.
 */
function requestsAgainstPooled(added: Tally, pooled: Tally, policy: SequentialPolicy): number {
  const { p0, p1 } = errorHypotheses(pooled, policy);
  return weigh(added.errors, p1, p0) + weigh(added.requests - added.errors, 1 - p1, 1 - p0);
}

/**
 * The 5xx test, on totals since the step began: `previous` is the last evidence
 * (at a step's start, the last step's, its counts at 0), and only what came since
 * is added. Two ratios: `llr` for "worse", `clear` for "not worse" (each canary
 * request against stable's share and stable's share plus errorIncrease: an
 * error-free stable makes clearing harder, never easier). Each rests at the lower
 * bound instead of falling below it: a canary fine for ten minutes that then breaks
 * is caught on the evidence of the break alone (Page's restart), not after paying
 * back ten minutes of good answers. No verdict until stable has served
 * MIN_REFERENCE_REQUESTS, in this step or, where it has too few (100 %), in the
 * rollout's earlier steps (`earlier`).
 */
export function errorEvidence(
  previous: Evidence | undefined,
  canary: Tally,
  stable: Tally,
  earlier: Tally,
  policy: SequentialPolicy,
): Evidence {
  const beside = stable.requests >= MIN_REFERENCE_REQUESTS;
  const reference = beside ? stable : plus(earlier, stable);
  const seen = `${canary.errors}/${canary.requests} canary, ${reference.errors}/${reference.requests} stable`;
  const before = {
    llr: previous?.llr ?? 0,
    clear: previous?.clear ?? 0,
    samples: previous?.samples ?? 0,
    errors: previous?.errors ?? 0,
    stableErrors: previous?.stableErrors ?? 0,
  };
  // Requests seen meanwhile are weighed once stable's share is known: `previous` stays as it was.
  if (reference.requests < MIN_REFERENCE_REQUESTS)
    return {
      metric: '5xx',
      decision: previous?.decision ?? 'undecided',
      ...before,
      detail: `5xx: stable has served ${reference.requests} requests, fewer than the ${MIN_REFERENCE_REQUESTS} needed to compare with`,
    };
  const added = {
    requests: Math.max(canary.requests - before.samples, 0),
    errors: Math.max(canary.errors - before.errors, 0),
  };
  const { lower } = waldBounds(policy);
  const { p0, p1 } = errorHypotheses(reference, policy);
  const harm = beside
    ? splitOfFailures(
        { canary: added.errors, stable: Math.max(stable.errors - before.stableErrors, 0) },
        canary,
        stable,
        policy,
      )
    : requestsAgainstPooled(added, plus(reference, canary), policy);
  const llr = Math.max(before.llr + harm, lower);
  const clear = Math.max(
    before.clear + weigh(added.errors, p1, p0) + weigh(added.requests - added.errors, 1 - p1, 1 - p0),
    lower,
  );
  const { upper } = waldBounds(policy);
  const decision: Decision = llr >= upper ? 'worse' : clear <= lower ? 'not-worse' : 'undecided';
  const rate = canary.requests > 0 ? canary.errors / canary.requests : 0;
  const theirs = `stable's ${pct(reference.errors / reference.requests)}`;
  const said =
    decision === 'worse'
      ? `the canary's 5xx share ${pct(rate)} is decisively above ${theirs}`
      : decision === 'not-worse'
        ? `the canary's 5xx share ${pct(rate)} is decisively not ${pct(policy.errorIncrease ?? 0)} above ${theirs}`
        : `no decision yet on the canary's 5xx share ${pct(rate)} against ${theirs}`;
  return {
    metric: '5xx',
    decision,
    llr,
    clear,
    samples: canary.requests,
    errors: canary.errors,
    stableErrors: stable.errors,
    detail: `5xx: ${said} (${seen})`,
  };
}

/**
 * The latency test: a sequential sign test on paired requests sent at once to each
 * revision's own address. Free of any assumption about how latency is spread: a
 * canary no slower than stable is slower by more than the allowance in at most
 * half of the pairs, whatever the service's jitter. Totals since the step began,
 * carried over and restarted at the "not worse" bound as for the 5xx test.
 */
export function latencyEvidence(
  previous: Evidence | undefined,
  pairs: PairTally,
  policy: SequentialPolicy,
): Evidence {
  const allowance = policy.latencyIncreaseMs ?? 0;
  const q = SLOWER_SHARE_IF_REGRESSED;
  const slower = Math.max(pairs.slower - (previous?.errors ?? 0), 0);
  const notSlower = Math.max(pairs.notSlower - ((previous?.samples ?? 0) - (previous?.errors ?? 0)), 0);
  const llr = Math.max(
    (previous?.llr ?? 0) + slower * Math.log(q / 0.5) + notSlower * Math.log((1 - q) / 0.5),
    waldBounds(policy).lower,
  );
  const decision = decide(llr, policy);
  const n = pairs.slower + pairs.notSlower;
  const seen = `${pairs.slower} of ${n} paired requests over ${allowance} ms slower on the canary`;
  const said =
    decision === 'worse'
      ? 'the canary is decisively slower than stable'
      : decision === 'not-worse'
        ? `the canary is decisively not more than ${allowance} ms slower than stable`
        : 'no decision yet on the canary against stable';
  return {
    metric: 'latency',
    decision,
    llr,
    samples: n,
    errors: pairs.slower,
    detail: `latency: ${said} (${seen})`,
  };
}

/**
 * One pair: slower when the canary answered later than stable by more than the
 * allowance, or did not answer while stable did. A pair stable failed tells nothing.
 */
export function pairOutcome(
  canary: { ok: boolean; latencyMs: number },
  stable: { ok: boolean; latencyMs: number },
  allowanceMs: number,
): 'slower' | 'not-slower' | 'void' {
  if (!stable.ok) return 'void';
  if (!canary.ok) return canary.latencyMs > stable.latencyMs + allowanceMs ? 'slower' : 'void';
  return canary.latencyMs > stable.latencyMs + allowanceMs ? 'slower' : 'not-slower';
}

/**
 * A test's state carried into the next step, its counts begun again. Suspicion
 * carries over, exoneration does not: each step puts more users on the canary, so
 * it must earn its own "not worse" on its own traffic.
 */
export function carriedOver(evidence: Evidence | undefined): Evidence | undefined {
  if (!evidence) return undefined;
  const llr = Math.max(evidence.llr, 0);
  return {
    ...evidence,
    llr,
    ...(evidence.clear !== undefined && { clear: 0 }),
    decision: evidence.decision === 'worse' ? 'worse' : 'undecided',
    samples: 0,
    errors: 0,
    stableErrors: 0,
  };
}

/** Worse when any test is; not worse only when every test is; undecided otherwise. */
export function combinedDecision(evidence: readonly Evidence[]): Decision {
  if (evidence.some((e) => e.decision === 'worse')) return 'worse';
  if (evidence.length > 0 && evidence.every((e) => e.decision === 'not-worse')) return 'not-worse';
  return 'undecided';
}

/**
 * Wald's expected sample size: the requests (or pairs) the test needs on average
 * to reach a decision when each one adds `drift` to the ratio.
 */
export function expectedSamples(drift: number, policy: SequentialPolicy): number {
  const { upper, lower } = waldBounds(policy);
  if (drift === 0) return Infinity;
  return (drift > 0 ? upper : lower) / drift;
}
