/**
 * Whether a staging soak is over, decided by evidence rather than by a runner that
 * sleeps: the commit has run on staging for the whole soak, the scheduled checks
 * ran often enough in that time, and none of them failed. A soak that is not over
 * yet says how far it got, so a later run (the schedule, a re-run, a wait timer)
 * picks it up at no cost.
 */
import { formatDuration } from './duration.js';

export interface SoakEvidence {
  /** When this commit went live on the environment (its first successful deployment status). */
  liveSince: Date | undefined;
  /** The commit the environment runs now, when that is another one (the soak is then void). */
  replacedBy?: string;
  /** Completed check runs since liveSince. */
  checks: readonly { at: Date; passed: boolean; url: string }[];
}

export interface SoakPolicy {
  environment: string;
  sha: string;
  durationMs: number;
  minChecks: number;
}

export type SoakStatus = 'passed' | 'waiting' | 'failed';

export interface SoakVerdict {
  status: SoakStatus;
  /** "soak 2h10m of 4h; 13 of 24 checks green" */
  progress: string;
  /** What to do about it, when it has not passed. */
  reason?: string;
  elapsedMs: number;
  green: number;
  failed: number;
}

/** How far the search for "when did this commit go live" got, deployment by deployment. */
export interface LiveSearch {
  liveSince?: Date;
  replacedBy?: string;
  done: boolean;
}

/**
 * The next deployment, newest first, folded into the search. The first deployment
 * that went live is what runs now; older live deployments of the same commit (a
 * redeploy) move the start back; a live one of another commit ends the search.
 */
export function nextLive(
  search: LiveSearch,
  deployment: { sha: string; successes: readonly Date[] },
  sha: string,
): LiveSearch {
  const live = [...deployment.successes].sort((a, b) => a.getTime() - b.getTime())[0];
  if (!live) return search;
  if (deployment.sha !== sha)
    return { ...search, ...(!search.liveSince && { replacedBy: deployment.sha }), done: true };
  return { ...search, liveSince: live };
}

/** The completed runs that count as checks, oldest first: a cancelled or skipped run is neither green nor failed. */
export function soakChecks(
  runs: readonly { at: Date; conclusion: string; url: string }[],
): SoakEvidence['checks'] {
  return runs
    .filter((r) => ['success', 'failure', 'timed_out'].includes(r.conclusion))
    .map((r) => ({ at: r.at, passed: r.conclusion === 'success', url: r.url }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

export function judgeSoak(evidence: SoakEvidence, policy: SoakPolicy, now: Date): SoakVerdict {
  const short = policy.sha.slice(0, 7);
  if (evidence.replacedBy)
    return {
      status: 'failed',
      progress: `soak not started; 0 of ${policy.minChecks} checks green`,
      reason: `${policy.environment} now runs ${evidence.replacedBy.slice(0, 7)}, not ${short}; the soak is for the commit being released, so deploy ${short} to ${policy.environment} first`,
      elapsedMs: 0,
      green: 0,
      failed: 0,
    };
  if (!evidence.liveSince)
    return {
      status: 'failed',
      progress: `soak 0s of ${formatDuration(policy.durationMs)}; 0 of ${policy.minChecks} checks green`,
      reason: `${short} has no successful deployment to ${policy.environment}; deploy it there first`,
      elapsedMs: 0,
      green: 0,
      failed: 0,
    };
  const elapsedMs = Math.max(0, now.getTime() - evidence.liveSince.getTime());
  const green = evidence.checks.filter((c) => c.passed).length;
  const failed = evidence.checks.length - green;
  const progress = `soak ${formatDuration(Math.min(elapsedMs, policy.durationMs))} of ${formatDuration(policy.durationMs)}; ${green} of ${policy.minChecks} checks green`;
  const base = { progress, elapsedMs, green, failed };
  if (failed > 0)
    return {
      ...base,
      status: 'failed',
      reason: `${failed} check${failed > 1 ? 's' : ''} failed during the soak (first: ${evidence.checks.find((c) => !c.passed)?.url}); fix and redeploy to ${policy.environment}, which starts a new soak`,
    };
  if (elapsedMs < policy.durationMs || green < policy.minChecks)
    return {
      ...base,
      status: 'waiting',
      reason:
        elapsedMs < policy.durationMs
          ? `${formatDuration(policy.durationMs - elapsedMs)} to go; a later run continues`
          : `the time is up but only ${green} of ${policy.minChecks} checks ran; is the scheduled healthcheck running?`,
    };
  return { ...base, status: 'passed' };
}
