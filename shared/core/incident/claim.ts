/**
 * The claim that lets exactly one run create an incident's issue. GitHub creates a
 * label atomically: a second POST /labels with a name that exists answers 422
 * already_exists. So a run that would create the issue first creates the label
 * named for the incident; the run that got it creates the issue, the others wait
 * for that issue and join it. The label's description says when it was claimed and
 * by which run, so a claim whose run died (cancelled, its runner lost) is taken
 * over once it is older than CLAIM_TTL_MS, and never blocks the next incident.
 * Pure: names, descriptions and the age rule; the engine does the calls.
 */
import { createHash } from 'node:crypto';

/**
 * Longer than any creation takes (a few calls, or a secondary rate limit waited
 * out), short enough that an incident whose claimant died opens two minutes late.
 */
export const CLAIM_TTL_MS = 120_000;

/** Label names are at most 50 characters: the fingerprint's hash, not the fingerprint. */
export function claimLabelOf(fingerprint: string): string {
  return `incident-claim-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 16)}`;
}

/** Label descriptions are at most 100 characters. */
export function claimDescription(at: Date, runId: string): string {
  return `release-actions claim ${at.toISOString()} ${runId}`.slice(0, 100);
}

export type ClaimState = { kind: 'alive'; leftMs: number } | { kind: 'dead' };

/** A claim that cannot be read (someone edited the label) counts as dead: it names no live run. */
export function claimState(description: string | null | undefined, now: Date): ClaimState {
  const at = /^release-actions claim (\S+)/.exec(description ?? '')?.[1];
  const since = at ? now.getTime() - Date.parse(at) : Number.NaN;
  if (!Number.isFinite(since) || since >= CLAIM_TTL_MS) return { kind: 'dead' };
  return { kind: 'alive', leftMs: CLAIM_TTL_MS - Math.max(since, 0) };
}
