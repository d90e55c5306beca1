/**
 * Carries a rollout plan out against a traffic provider. The decisions come from
 * the core (rollout-rules: where to start, drift, the baseline, the window's end;
 * gates: each check's verdict); this loop reads the router, waits, and moves
 * weights. Whatever happens, it returns with traffic on a split it chose on
 * purpose: the next step, all on stable, or, when someone else moved the weights,
 * exactly what they set.
 */
import {
  afterCheck,
  combineChecks,
  countsDelta,
  emptyHistory,
  recordCheck,
  type CheckResult,
  type GateHistory,
  type RouterMetrics,
} from '../core/traffic/gates.js';
import type { Step } from '../core/traffic/plan.js';
import type {
  RolloutOutcome,
  RolloutResult,
  StepReport,
  TimelinePoint,
} from '../core/traffic/rollout-report.js';
import { errorRateReading, failureReason, startOf, windowEnd } from '../core/traffic/rollout-rules.js';
import { reportedLaunches, type LaunchReading } from '../core/traffic/reported-launches.js';
import { trafficBetween } from '../core/traffic/rollout-traffic.js';
import { uncountedCanary } from '../core/traffic/uncounted-canary.js';
import { allOn, canarySplit } from '../core/traffic/split.js';
import { Cancelled, RolloutRun, type RolloutDeps, type RolloutSpec } from './rollout-run.js';

export type { RolloutDeps, RolloutSpec } from './rollout-run.js';
export type { RolloutOutcome, RolloutResult, StepReport, TimelinePoint };

export async function runRollout(spec: RolloutSpec, deps: RolloutDeps): Promise<RolloutResult> {
  const before = await countersQuietly(deps);
  const result = await rollOut(spec, deps);
  const traffic = trafficBetween(before, await countersQuietly(deps), spec);
  return traffic ? { ...result, traffic } : result;
}

/** The router's counters, or nothing: the totals are a report, never a reason to stop. */
async function countersQuietly(deps: RolloutDeps): Promise<RouterMetrics | undefined> {
  try {
    return await deps.provider.metrics?.();
  } catch {
    return undefined;
  }
}

async function rollOut(spec: RolloutSpec, deps: RolloutDeps): Promise<RolloutResult> {
  const observed = await deps.provider.readSplit();
  const run = new RolloutRun(spec, deps, observed);
  const start = startOf(spec.plan, spec, observed);
  if (start.kind === 'stop') return run.result(start.outcome, observed);
  if (start.index > 0)
    deps.log(`Resuming at step ${start.index + 1}: the canary already has ${start.canaryPercent}%`);
  run.timeline.push({ atMs: 0, canaryPercent: start.canaryPercent, event: 'start' });
  try {
    for (let index = start.index; index < spec.plan.length; index++) {
      const ended = await runStep(run, index);
      if (ended) return ended;
    }
    run.checkCancelled();
    if (run.canaryPercent() !== 100) await run.setSplit(allOn(spec.canary), 'promote');
    return run.result({ kind: 'promoted' }, allOn(spec.canary));
  } catch (error) {
    if (error instanceof Cancelled) return await run.rollback(failureReason(error, true));
    try {
      return await run.rollback(failureReason(error, false));
    } catch {
      throw error;
    }
  }
}

/** Carries out one step; a result when the rollout ends there. */
async function runStep(run: RolloutRun, index: number): Promise<RolloutResult | undefined> {
  const step = run.spec.plan[index] as Step;
  const startedAt = run.startStep();
  run.checkCancelled();
  if (step.kind === 'weight') {
    await run.setSplit(
      canarySplit(run.spec.stable, run.spec.canary, step.percent),
      `step ${index + 1}: canary ${step.percent}%`,
    );
    run.report(index, startedAt, 'set');
    return undefined;
  }
  if (step.kind === 'pause') {
    const tripped = await waitWatching(run, step.durationMs);
    if (tripped) {
      run.report(index, startedAt, 'failed');
      return tripped;
    }
    const moved = await run.drifted();
    if (moved) return await run.afterDrift(moved);
    run.report(index, startedAt, 'waited');
    return undefined;
  }
  return analyse(run, index, step, startedAt);
}

/** One analysis window: its checks, where its counts start, when it ends; reported launches read so far. */
interface Window {
  history: GateHistory;
  baseline: RouterMetrics | undefined;
  end: number;
  launches?: LaunchReading[];
  /** The counts and time the window began with, for what its whole span served. */
  first: { atMs: number; metrics: RouterMetrics | undefined };
}

/** An analysis step: checks every interval until the window ends, then the window's verdict. */
async function analyse(
  run: RolloutRun,
  index: number,
  step: Extract<Step, { kind: 'analysis' }>,
  startedAt: number,
): Promise<RolloutResult | undefined> {
  const { clock } = run.deps;
  const baseline = await readMetrics(run);
  const window: Window = {
    history: emptyHistory,
    baseline,
    end: clock.now() + step.durationMs,
    first: { atMs: clock.now(), metrics: baseline },
    ...(run.spec.policy.errorRate?.reportLagMs !== undefined && {
      launches: baseline ? [{ atMs: clock.now(), metrics: baseline }] : [],
    }),
  };
  const planned = window.end;
  run.beginEvidence(window.baseline);
  try {
    return await analyseWindow(run, index, step, startedAt, window, planned);
  } finally {
    run.endEvidence();
  }
}

async function analyseWindow(
  run: RolloutRun,
  index: number,
  step: Extract<Step, { kind: 'analysis' }>,
  startedAt: number,
  window: Window,
  planned: number,
): Promise<RolloutResult | undefined> {
  const { clock } = run.deps;
  let waited = false;
  let undecidedNoted = false;
  for (;;) {
    while (clock.now() < window.end) {
      const tripped = await waitWatching(
        run,
        Math.min(step.intervalMs, Math.max(window.end - clock.now(), 0)),
      );
      if (tripped) {
        run.report(index, startedAt, 'failed', window.history);
        return tripped;
      }
      const moved = await run.drifted();
      if (moved) {
        run.report(index, startedAt, 'drift', window.history);
        return await run.afterDrift(moved);
      }
      const decision = await check(run, window);
      if (decision.kind === 'rollback') {
        run.report(index, startedAt, 'failed', window.history);
        return await run.rollback(decision.reason);
      }
      if (decision.kind === 'warn') run.deps.warn(`Advisory gate failed: ${decision.reason}`);
    }
    const end = windowEnd(
      window.history,
      run.spec.policy,
      { delayMs: run.deps.metricsDelayMs ?? 0, waited },
      run.expected,
      comparisonOf(run, step, clock.now() - planned),
    );
    if (end.kind === 'undecided') {
      window.end = clock.now() + end.ms;
      if (!undecidedNoted) run.deps.log(end.note);
      undecidedNoted = true;
      continue;
    }
    if (end.kind === 'extend') {
      waited = true;
      window.end = clock.now() + end.ms;
      run.deps.log(end.note);
      continue;
    }
    if (end.kind === 'rollback') {
      run.report(index, startedAt, 'failed', window.history);
      return await run.rollback(end.reason);
    }
    if (end.kind === 'held') {
      run.report(index, startedAt, 'no verdict', window.history);
      return run.result({ kind: 'held', reason: end.reason }, run.expected);
    }
    run.report(index, startedAt, end.result, window.history);
    return undefined;
  }
}

/**
 * A window may wait this much past its time for the comparison to decide: twice its
 * time, and at least five minutes, since a 10 % step of a quiet service needs a few
 * hundred canary requests to tell a healthy canary from one a point worse.
 */
const maxExtendMs = (durationMs: number) => Math.max(2 * durationMs, 300_000);

/** The comparison with stable as the window's time runs out. */
function comparisonOf(run: RolloutRun, step: { durationMs: number; intervalMs: number }, extendedMs: number) {
  const evidence = run.evidence;
  const decision = evidence?.decision();
  if (!evidence || decision === undefined) return undefined;
  const detail = [...evidence.evidence().map((e) => e.detail), ...evidence.notes()].join('; ');
  return {
    decision,
    detail,
    extendedMs,
    maxExtendMs: maxExtendMs(step.durationMs),
    intervalMs: step.intervalMs,
  };
}

/**
 * Waits `ms`. With a tripwire and traffic on the canary, the router is read all the
 * while: a result when a confirmed trip rolled the canary back. Without one, a
 * running comparison with stable still sends its latency pairs while waiting.
 */
async function waitWatching(run: RolloutRun, ms: number): Promise<RolloutResult | undefined> {
  const end = run.deps.clock.now() + ms;
  if (!run.tripwire || run.canaryPercent() === 0) return waitComparing(run, end);
  for (;;) {
    const trip = await run.tripwire.until(end);
    if (!trip) return undefined;
    const ended = await run.tripwire.spring(trip);
    if (ended) return ended;
  }
}

async function waitComparing(run: RolloutRun, end: number): Promise<RolloutResult | undefined> {
  const { clock } = run.deps;
  const every = run.deps.latencyPairs?.pairEveryMs ?? 0;
  if (!run.evidence || every <= 0) return run.sleep(Math.max(end - clock.now(), 0)).then(() => undefined);
  while (clock.now() < end) {
    const trip = run.evidenceTrip();
    if (trip) return run.rollback(trip.reason);
    await run.sleep(Math.min(every, end - clock.now()));
  }
  return undefined;
}

/** One check in a window: the router's error rate and the probes, recorded on the window's history. */
async function check(run: RolloutRun, window: Window): Promise<ReturnType<typeof afterCheck>> {
  const now = await readMetrics(run);
  const checks: CheckResult[] = [];
  let canaryErrorRate: number | undefined;
  const policy = run.spec.policy.errorRate;
  if (policy) {
    const judged = launchesJudged(run, window, now);
    const reading = errorRateReading(policy, run.spec, window.baseline, judged);
    // Reported launches are judged from the step's start: their failures arrive late.
    if (!window.launches) window.baseline = reading.baseline;
    canaryErrorRate = reading.canaryErrorRate;
    checks.push(reading.check);
  }
  if (run.deps.probe) checks.push(await run.deps.probe());
  run.evidence?.fromMetrics(now);
  const result = combineChecks(checks);
  window.history = recordCheck(window.history, result);
  run.checked(result.verdict);
  run.timeline.push({
    atMs: run.at(),
    canaryPercent: run.canaryPercent(),
    verdict: result.verdict,
    ...(canaryErrorRate !== undefined && { canaryErrorRate }),
  });
  const worse = run.evidenceTrip();
  if (worse) return { kind: 'rollback', reason: worse.reason };
  const uncounted = uncountedSince(run, window, now);
  if (uncounted && !run.spec.policy.advisory) return { kind: 'rollback', reason: uncounted };
  return afterCheck(window.history, run.spec.policy);
}

/**
 * Where the counts come from late metrics: once the window has waited out their
 * delay, a canary with next to none of the requests its weight predicts is failing
 * users uncounted (core/traffic/uncounted-canary).
 */
function uncountedSince(run: RolloutRun, window: Window, now: RouterMetrics | undefined) {
  const delay = run.deps.metricsDelayMs;
  const { first } = window;
  // Launch counts follow devices, not weights: a device keeps its update until it checks again.
  if (run.spec.policy.errorRate?.counts === 'launches') return;
  if (delay === undefined || !now || !first.metrics || run.deps.clock.now() - first.atMs < delay) return;
  const stable = countsDelta(first.metrics[run.spec.stable], now[run.spec.stable]);
  if (!stable) return;
  // A canary no request ever reached has no series at all.
  const canary = countsDelta(first.metrics[run.spec.canary], now[run.spec.canary]) ?? { requests: 0 };
  return uncountedCanary(
    { requests: canary.requests, errors: 0 },
    { requests: stable.requests, errors: stable.errors5xx },
    run.canaryPercent(),
  );
}

/** The counts a check judges: as read, or for launches reported late, as far as their failures can be known. */
function launchesJudged(run: RolloutRun, window: Window, now: RouterMetrics | undefined) {
  const lagMs = run.spec.policy.errorRate?.reportLagMs;
  if (!now || !window.launches || lagMs === undefined) return now;
  const reading = { atMs: run.deps.clock.now(), metrics: now };
  if (!window.baseline) window.baseline = now;
  window.launches.push(reading);
  return reportedLaunches(window.launches, reading, lagMs);
}

async function readMetrics(run: RolloutRun): Promise<RouterMetrics | undefined> {
  const { provider, warn } = run.deps;
  if (!provider.metrics) return undefined;
  try {
    return await provider.metrics();
  } catch (error) {
    warn(`Router metrics unavailable, so this check has no verdict: ${(error as Error).message}`);
    return undefined;
  }
}
