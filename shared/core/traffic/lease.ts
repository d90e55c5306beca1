/**
 * One rollout per environment at a time, decided from GitHub deployment records.
 * Every rollout first records its own deployment, then looks at the others: the
 * lowest deployment id among the live ones holds the environment, like a ticket
 * queue. Ids only grow, so of two rollouts that start together the later always
 * sees the earlier, and exactly one goes ahead.
 */

import { runUrlOf, type RepositoryAddress } from '../run-url.js';

/** Another deployment of the same environment, as GitHub reports it. */
export interface RolloutClaim {
  deployment: number;
  /** The workflow run that posted its latest status (from the status's log_url). */
  runId?: number;
  /** Its latest status; none yet when it was created a moment ago. */
  state?: string;
  /** When that status (or the deployment, without one) was written, ms since epoch. */
  sinceMs: number;
}

export type RunState = 'running' | 'finished' | 'unknown';

export interface LeaseRules {
  /** A claim GitHub has not confirmed for this long is ignored (jobs stop after 6 h). */
  staleAfterMs: number;
  /** A deployment without a status yet counts for this long: its first status is on its way. */
  settleMs: number;
}

export const LEASE_RULES: LeaseRules = { staleAfterMs: 6 * 3_600_000, settleMs: 60_000 };

const LIVE_STATES = new Set(['queued', 'pending', 'in_progress']);

/** A deployment status that says a rollout is still under way. */
export function isLive(state: string): boolean {
  return LIVE_STATES.has(state);
}

/** Claims that might hold the environment ahead of ours, lowest id first. */
export function claimsAhead(
  own: number,
  ownRunId: number | undefined,
  claims: readonly RolloutClaim[],
  nowMs: number,
  rules: LeaseRules = LEASE_RULES,
): RolloutClaim[] {
  return claims
    .filter((c) => c.deployment < own)
    .filter((c) =>
      c.state === undefined
        ? nowMs - c.sinceMs < rules.settleMs
        : LIVE_STATES.has(c.state) && c.runId !== undefined && c.runId !== ownRunId,
    )
    .sort((a, b) => a.deployment - b.deployment);
}

/** The claim that holds the environment, or undefined when ours may go ahead. */
export function leaseHolder(
  ahead: readonly RolloutClaim[],
  runs: ReadonlyMap<number, RunState>,
  nowMs: number,
  rules: LeaseRules = LEASE_RULES,
): RolloutClaim | undefined {
  return ahead.find((c) => {
    if (c.runId === undefined) return true; // created a moment ago (claimsAhead kept it)
    const run = runs.get(c.runId) ?? 'unknown';
    // A run that died without its post step leaves "in progress" behind: only a
    // running run, or one we cannot see that spoke recently, holds the lease.
    return run === 'running' || (run === 'unknown' && nowMs - c.sinceMs < rules.staleAfterMs);
  });
}

/** The workflow run a status's log_url points at (…/actions/runs/<id>[/job/…]). */
export function runIdOf(logUrl: string | undefined | null): number | undefined {
  const match = /\/actions\/runs\/(\d+)/.exec(logUrl ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Who holds the environment, as the stopped run reports it. */
export function describeHolder(claim: RolloutClaim, where: RepositoryAddress): string {
  if (claim.runId === undefined) return `deployment ${claim.deployment}, created a moment ago,`;
  return `run ${runUrlOf(where, claim.runId)} (deployment ${claim.deployment})`;
}

/** Why this rollout did not start: the one sentence for the step's result and the deployment record. */
export function busyReason(holder: RolloutClaim, where: RepositoryAddress, environment: string): string {
  return `${describeHolder(holder, where)} is rolling out ${environment} now; nothing was changed`;
}
