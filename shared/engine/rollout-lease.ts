import type { DeploymentRecorder } from '../adapters/deployments.js';
import type { Clock } from '../adapters/clock.js';
import type { RepositoryAddress } from '../core/run-url.js';
import {
  busyReason,
  claimsAhead,
  LEASE_RULES,
  leaseHolder,
  runIdOf,
  type RolloutClaim,
  type RunState,
} from '../core/traffic/lease.js';

export interface LeaseCheck {
  /** The rollout that holds the environment; undefined when this one may go ahead. */
  holder?: RolloutClaim;
  /** Why the check could not be made; the rollout then relies on the workflow's concurrency group. */
  unchecked?: string;
}

/**
 * Claims the environment for this run's rollout: records this run's deployment as in
 * progress (so a rival that starts later sees it), then looks for an earlier live one.
 */
export async function claimEnvironment(
  recorder: DeploymentRecorder,
  runUrl: string,
  clock: Pick<Clock, 'date'>,
  announce: () => Promise<void>,
): Promise<LeaseCheck> {
  try {
    const own = await recorder.start();
    await announce();
    const now = clock.date().getTime();
    const claims = await recorder.claimsBefore(own, now - LEASE_RULES.staleAfterMs);
    const ahead = claimsAhead(own, runIdOf(runUrl), claims, now);
    const runs = new Map<number, RunState>();
    for (const claim of ahead)
      if (claim.runId !== undefined && !runs.has(claim.runId))
        runs.set(claim.runId, await recorder.runState(claim.runId));
    const holder = leaseHolder(ahead, runs, now);
    return holder ? { holder } : {};
  } catch (error) {
    return { unchecked: (error as Error).message };
  }
}

/**
 * Takes the environment for this rollout, or says why not: another run holds it
 * (recorded on this run's deployment), in one sentence for the step's result.
 * When the check cannot be made, the rollout goes ahead with a warning.
 */
export async function takeEnvironment(
  recorder: DeploymentRecorder,
  context: {
    environment: string;
    github: RepositoryAddress & { runUrl: string };
    clock: Pick<Clock, 'date'>;
    what: string;
  },
  record: (state: 'in_progress' | 'error', description: string) => Promise<void>,
  warn: (message: string) => void,
): Promise<string | undefined> {
  const lease = await claimEnvironment(recorder, context.github.runUrl, context.clock, () =>
    record('in_progress', `starting: ${context.what}`),
  );
  if (lease.unchecked)
    warn(
      `Could not check for another rollout of ${context.environment} (${lease.unchecked}); relying on the workflow's concurrency group`,
    );
  if (!lease.holder) return undefined;
  const reason = busyReason(lease.holder, context.github, context.environment);
  await record('error', `not started: ${reason}`);
  return reason;
}
