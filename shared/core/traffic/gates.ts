/**
 * Gate checks during an analysis: the router's error rate for the canary (and
 * against stable), and HTTP probes. A check with too little traffic has no verdict:
 * it neither passes nor counts towards a rollback.
 */
import type { SequentialPolicy } from './sequential.js';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface CheckResult {
  verdict: Verdict;
  reasons: string[];
  /** The canary's metrics are gone while stable's are there (its series vanished). */
  canaryVanished?: boolean;
}

/** Cumulative response counters for one revision, as a router reports them. */
export interface RouterCounts {
  requests: number;
  errors5xx: number;
  /** Now, not cumulative: requests in flight longer than a healthy answer takes (a hang). */
  stalled?: number;
}

export type RouterMetrics = Readonly<Record<string, RouterCounts>>;

export interface ErrorRatePolicy {
  /** Highest acceptable share of 5xx answers on the canary (0.05 = 5 %). */
  maxErrorRate: number;
  /** Highest acceptable excess over stable's rate, in the same units; absent: not compared. */
  maxIncreaseOverStable?: number;
  /** Fewer canary requests than this in a window gives no verdict. */
  minRequests: number;
  /** What the counts are: a router's requests and 5xx answers, or an app's launches and crashes. */
  counts?: Counted;
  /** Launches: how long a failed launch may take to be reported; checks judge launches at least this old. */
  reportLagMs?: number;
}

export type Counted = 'requests' | 'launches';

/** How each kind of count is spoken of, in checks, charts and the dry-run. */
export const COUNTED = {
  requests: {
    rate: '5xx rate',
    of: 'requests',
    counters: 'router counters',
    gate: "router error rate: the canary's 5xx share",
  },
  launches: {
    rate: 'failed-launch rate',
    of: 'launches',
    counters: 'launch counts',
    gate: "failed launches: the canary update's launches that failed before their first render",
  },
} as const;

export interface GatePolicy {
  errorRate?: ErrorRatePolicy;
  /** The canary compared with stable by sequential tests (5xx and latency); absent: not compared. */
  sequential?: SequentialPolicy;
  /** Failed checks in a row tolerated; the next one rolls back. 0: the first failure does. */
  failureLimit: number;
  /** Report only: never roll back. */
  advisory: boolean;
}

/**
 * Counts over a window; a counter that went down (router restart) gives no data.
 * Requests stalled now count as failed ones: a hang has no answer to count yet.
 */
export function countsDelta(
  before: RouterCounts | undefined,
  after: RouterCounts | undefined,
): RouterCounts | undefined {
  if (!after) return undefined;
  const stalled = after.stalled ?? 0;
  const requests = after.requests - (before?.requests ?? 0) + stalled;
  const errors5xx = after.errors5xx - (before?.errors5xx ?? 0) + stalled;
  if (requests < 0 || errors5xx < 0) return undefined;
  return { requests, errors5xx, ...(stalled > 0 && { stalled }) };
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

export function errorRateCheck(
  policy: ErrorRatePolicy,
  canary: RouterCounts | undefined,
  stable: RouterCounts | undefined,
): CheckResult {
  const terms = COUNTED[policy.counts ?? 'requests'];
  if (!canary) return { verdict: 'inconclusive', reasons: [`${terms.counters} unavailable for the canary`] };
  if (canary.requests < policy.minRequests) {
    return {
      verdict: 'inconclusive',
      reasons: [
        `${canary.requests} canary ${terms.of}, fewer than the ${policy.minRequests} needed for a verdict`,
      ],
    };
  }
  const rate = canary.errors5xx / canary.requests;
  const reasons: string[] = [];
  if (rate > policy.maxErrorRate) {
    const hung = canary.stalled ? `, ${canary.stalled} of them unanswered and still waiting (hung)` : '';
    reasons.push(
      `canary ${terms.rate} ${pct(rate)} (${canary.errors5xx}/${canary.requests}${hung}) over the ${pct(policy.maxErrorRate)} limit`,
    );
  }
  if (policy.maxIncreaseOverStable !== undefined && stable && stable.requests >= policy.minRequests) {
    const stableRate = stable.errors5xx / stable.requests;
    if (rate - stableRate > policy.maxIncreaseOverStable) {
      reasons.push(
        `canary ${terms.rate} ${pct(rate)} exceeds stable's ${pct(stableRate)} by more than ${pct(policy.maxIncreaseOverStable)}`,
      );
    }
  }
  return reasons.length > 0
    ? { verdict: 'fail', reasons }
    : { verdict: 'pass', reasons: [`canary ${terms.rate} ${pct(rate)} over ${canary.requests} ${terms.of}`] };
}

export function probeCheck(
  failedProbes: readonly { name: string; reason?: string }[],
  total: number,
): CheckResult {
  if (total === 0) return { verdict: 'inconclusive', reasons: [] };
  if (failedProbes.length === 0)
    return { verdict: 'pass', reasons: [`${total} probe${total > 1 ? 's' : ''} passed`] };
  return { verdict: 'fail', reasons: failedProbes.map((p) => `probe ${p.name}: ${p.reason ?? 'down'}`) };
}

/** Any failure fails; all passing passes; otherwise there is no verdict. */
export function combineChecks(checks: readonly CheckResult[]): CheckResult {
  const considered = checks.filter((c) => c.verdict !== 'inconclusive' || c.reasons.length > 0);
  const reasons = considered.flatMap((c) => c.reasons);
  if (considered.some((c) => c.verdict === 'fail'))
    return {
      verdict: 'fail',
      reasons: considered.filter((c) => c.verdict === 'fail').flatMap((c) => c.reasons),
    };
  if (considered.length > 0 && considered.every((c) => c.verdict === 'pass'))
    return { verdict: 'pass', reasons };
  return {
    verdict: 'inconclusive',
    reasons,
    ...(checks.some((c) => c.canaryVanished) && { canaryVanished: true }),
  };
}

export interface GateHistory {
  checks: number;
  passes: number;
  failures: number;
  inconclusive: number;
  consecutiveFailures: number;
  lastFailure?: string;
  /** Why the latest check without a verdict had none, for a held rollout's message. */
  lastInconclusive?: string;
  /** The latest check found the canary's series gone while stable's had data. */
  canaryVanished?: boolean;
}

export const emptyHistory: GateHistory = {
  checks: 0,
  passes: 0,
  failures: 0,
  inconclusive: 0,
  consecutiveFailures: 0,
};

export function recordCheck(history: GateHistory, result: CheckResult): GateHistory {
  const next = { ...history, checks: history.checks + 1, canaryVanished: result.canaryVanished === true };
  if (result.verdict === 'pass') return { ...next, passes: next.passes + 1, consecutiveFailures: 0 };
  if (result.verdict === 'inconclusive')
    return {
      ...next,
      inconclusive: next.inconclusive + 1,
      ...(result.reasons.length > 0 && { lastInconclusive: result.reasons.join('; ') }),
    };
  return {
    ...next,
    failures: next.failures + 1,
    consecutiveFailures: next.consecutiveFailures + 1,
    lastFailure: result.reasons.join('; '),
  };
}

export type GateDecision =
  { kind: 'continue' } | { kind: 'rollback'; reason: string } | { kind: 'warn'; reason: string };

/** After each check: roll back once failures in a row exceed the limit (advisory only warns). */
export function afterCheck(history: GateHistory, policy: GatePolicy): GateDecision {
  if (history.consecutiveFailures === 0 || history.consecutiveFailures <= policy.failureLimit)
    return { kind: 'continue' };
  const reason = `${history.lastFailure ?? 'gate failed'} (${history.consecutiveFailures} failed check${history.consecutiveFailures > 1 ? 's' : ''} in a row)`;
  return policy.advisory ? { kind: 'warn', reason } : { kind: 'rollback', reason };
}

export type WindowDecision =
  { kind: 'advance' } | { kind: 'rollback'; reason: string } | { kind: 'no-verdict'; reason: string };

/**
 * At the end of an analysis window: advance only on evidence. The latest
 * conclusive check must have passed; a window of only inconclusive checks
 * holds the split where it is.
 */
export function afterWindow(history: GateHistory, policy: GatePolicy): WindowDecision {
  if (policy.advisory) return { kind: 'advance' };
  if (history.consecutiveFailures > 0) {
    return {
      kind: 'rollback',
      reason: `${history.lastFailure ?? 'gate failed'} (the analysis ended on a failed check)`,
    };
  }
  if (history.passes > 0) return { kind: 'advance' };
  if (history.canaryVanished)
    return {
      kind: 'rollback',
      reason: `${history.lastInconclusive ?? 'the canary has no data'} for the whole analysis (${history.checks} checks): its series vanished`,
    };
  return {
    kind: 'no-verdict',
    reason: `no check reached a verdict in ${history.checks} tries (${history.lastInconclusive ?? 'too little traffic or no data'})`,
  };
}
