/**
 * What GitHub's deployment records mean for a rollout: which deployment this run
 * may adopt, which earlier ones a success replaces, which revision a deployment
 * put in place, and the status text GitHub keeps.
 */
import { isLive } from './lease.js';

/** A deployment with its newest status, as read from GitHub. */
export interface DeploymentWithStatus {
  id: number;
  state?: string | undefined;
  /** The workflow run that wrote the newest status. */
  runId?: number | undefined;
}

/**
 * The deployment this run already has in progress for the commit (its job's
 * `environment:`, or an earlier attempt), to attach to rather than create a second.
 * Another run's deployment is never adopted: it is a rival.
 */
export function ownLiveDeployment(
  candidates: readonly DeploymentWithStatus[],
  ownRun: number | undefined,
): number | undefined {
  if (ownRun === undefined) return undefined;
  return candidates.find((d) => d.state !== undefined && isLive(d.state) && d.runId === ownRun)?.id;
}

/**
 * Earlier deployments still marked success once `current` succeeds: GitHub's
 * auto_inactive does nothing for production environments, so they are retired here.
 */
export function replacedDeployments(recent: readonly DeploymentWithStatus[], current: number): number[] {
  return recent.filter((d) => d.id !== current && d.state === 'success').map((d) => d.id);
}

/** The revision a deployment put in place, from the payload release-actions writes. */
export function revisionOf(payload: unknown): string | undefined {
  const revision =
    typeof payload === 'object' && payload !== null
      ? (payload as { revision?: unknown }).revision
      : undefined;
  return typeof revision === 'string' ? revision : undefined;
}

/** GitHub keeps at most 140 characters of a status description. */
export const DEPLOYMENT_DESCRIPTION_LIMIT = 140;

export function deploymentDescription(description: string, note?: string): string {
  return (note ? `${description} · ${note}` : description).slice(0, DEPLOYMENT_DESCRIPTION_LIMIT);
}
