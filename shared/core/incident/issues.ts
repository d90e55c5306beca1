/**
 * Which GitHub issues are incidents: only ones this identity wrote (anyone may open
 * an issue with the label), carrying our fingerprint marker.
 */
import { detectedByIn, fingerprintIn, type OpenIncident, type ResolvedIncident } from './incident.js';

export interface IssueAuthor {
  login: string;
  type?: string | undefined;
}

/** Whom GITHUB_TOKEN writes as: the identity to assume when GitHub would not say. */
export const WORKFLOW_TOKEN_LOGIN = 'github-actions[bot]';

/**
 * Whether this identity wrote it: by login, never by kind, since every app writes as a
 * bot (Renovate, Dependabot) and none of their issues is ours.
 */
export function writtenBy(me: string | undefined, author: IssueAuthor | null | undefined): boolean {
  return author?.login === (me ?? WORKFLOW_TOKEN_LOGIN);
}

/** An issue as read from GitHub, reduced to what the incident rules look at. */
export interface IncidentIssue {
  number: number;
  body?: string | null | undefined;
  createdAt: string;
  updatedAt: string;
  closedAt?: string | null | undefined;
  stateReason?: string | null | undefined;
  ours: boolean;
}

/** The open incidents among open issues: ours, with a fingerprint. */
export function openIncidentsOf(issues: readonly IncidentIssue[]): OpenIncident[] {
  return issues.flatMap((i) => {
    const fingerprint = fingerprintIn(i.body);
    if (!i.ours || !fingerprint) return [];
    const detectedBy = detectedByIn(i.body);
    return [
      {
        number: i.number,
        fingerprint,
        ...(detectedBy && { detectedBy }),
        createdAt: new Date(i.createdAt),
        updatedAt: new Date(i.updatedAt),
      },
    ];
  });
}

/** The incident with this fingerprint we last resolved (closed as completed), among closed issues. */
export function lastResolvedOf(
  issues: readonly IncidentIssue[],
  fingerprint: string,
): ResolvedIncident | undefined {
  const latest = issues
    .filter(
      (i) => i.ours && i.stateReason === 'completed' && i.closedAt && fingerprintIn(i.body) === fingerprint,
    )
    .sort((a, b) => (b.closedAt as string).localeCompare(a.closedAt as string))[0];
  return latest && { number: latest.number, resolvedAt: new Date(latest.closedAt as string) };
}

/** When we last wrote on an incident: our newest comment, else when it was opened. */
export function lastOwnActivityOf(
  comments: readonly { createdAt: string; ours: boolean }[],
  openedAt: Date,
): Date {
  return comments
    .filter((c) => c.ours)
    .map((c) => new Date(c.createdAt))
    .reduce((latest, at) => (at > latest ? at : latest), openedAt);
}
