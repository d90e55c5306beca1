/**
 * The incident rules around the tracker's calls: when a failure streak is long
 * enough to open, what to do once two runs created an issue at the same time, and
 * what resolving closes. The engine performs what these return.
 */
import { duplicatesOf, incidentFor, type OpenIncident } from './incident.js';

/** Why no incident opens yet, or undefined once `openAfter` checks in a row have failed. */
export function streakTooShort(streak: number, openAfter: number): string | undefined {
  if (streak >= openAfter) return undefined;
  return `failed check ${streak} of ${openAfter} in a row; the incident opens when ${openAfter} checks in a row fail`;
}

export type AfterCreate =
  | { kind: 'kept'; number: number }
  | {
      kind: 'duplicate';
      /** The issue this run created, to close as a duplicate with `comment`. */
      close: number;
      comment: string;
      keep: number;
      /** The one kept is this run's own: GitHub created it, answered 502, and the retry made a second. */
      ownEarlier: boolean;
    };

/**
 * After creating, the open incidents are read again: a concurrent run may have
 * created one too. The lowest number wins and the rest close.
 */
export function afterCreate(keep: OpenIncident | undefined, created: number, runUrl: string): AfterCreate {
  if (!keep || keep.number === created) return { kind: 'kept', number: created };
  const ownEarlier = keep.detectedBy === runUrl;
  return {
    kind: 'duplicate',
    close: created,
    keep: keep.number,
    ownEarlier,
    comment: `Duplicate of #${keep.number}, opened ${ownEarlier ? 'by this run before a retried request' : 'by a concurrent run'}.`,
  };
}

export type ResolvePlan =
  { kind: 'nothing'; note: string } | { kind: 'resolve'; incident: OpenIncident; duplicates: number[] };

/** Resolving comments on and closes the incident, and closes its duplicates as not planned. */
export function resolvePlan(open: readonly OpenIncident[], fingerprint: string): ResolvePlan {
  const incident = incidentFor(open, fingerprint);
  if (!incident) return { kind: 'nothing', note: `no open incident for ${fingerprint}; nothing to resolve` };
  return { kind: 'resolve', incident, duplicates: duplicatesOf(open, fingerprint) };
}
