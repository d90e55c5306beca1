/**
 * The requests a rollout's users sent while it ran, and how many failed, from the
 * router's counters read at its start and its end: the incident's impact as a share
 * of requests, not a guess.
 */
import type { RouterMetrics } from './gates.js';

export interface RevisionTraffic {
  requests: number;
  failed: number;
}

export interface RolloutTraffic {
  stable: RevisionTraffic;
  canary: RevisionTraffic;
}

/** The counters' growth between two readings; undefined without both, or when a counter went back (a restart). */
export function trafficBetween(
  first: RouterMetrics | undefined,
  last: RouterMetrics | undefined,
  names: { stable: string; canary: string },
): RolloutTraffic | undefined {
  if (!first || !last) return undefined;
  const grown = (revision: string): RevisionTraffic | undefined => {
    const before = first[revision] ?? { requests: 0, errors5xx: 0 };
    const after = last[revision] ?? before;
    const requests = after.requests - before.requests;
    const failed = after.errors5xx - before.errors5xx;
    return requests < 0 || failed < 0 ? undefined : { requests, failed };
  };
  const stable = grown(names.stable);
  const canary = grown(names.canary);
  return stable && canary ? { stable, canary } : undefined;
}

/** "2.5 %", "< 0.1 %", "0 %": a share as people read it. */
export function share(part: number, whole: number): string {
  if (whole === 0 || part === 0) return '0 %';
  const percent = (part * 100) / whole;
  if (percent < 0.1) return '< 0.1 %';
  return `${percent >= 10 ? Math.round(percent) : Math.round(percent * 10) / 10} %`;
}

/** One sentence: how many of the users' requests failed, and on which revision. */
export function trafficSentence(t: RolloutTraffic, names: { stable: string; canary: string }): string {
  const requests = t.stable.requests + t.canary.requests;
  const failed = t.stable.failed + t.canary.failed;
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `${n(failed)} of ${n(requests)} requests (${share(failed, requests)}) failed while the rollout ran: ` +
    `${n(t.canary.failed)} of ${n(t.canary.requests)} on ${names.canary} (the canary), ` +
    `${n(t.stable.failed)} of ${n(t.stable.requests)} on ${names.stable}.`
  );
}
