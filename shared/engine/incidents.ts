/**
 * Opening, updating and resolving the one incident issue, over the tracker: each
 * step asks the core what to do (decideOpen, incidentFor, duplicatesOf) and does it.
 */
import type { IncidentTracker } from '../adapters/incident-tracker.js';
import {
  customBody,
  decideOpen,
  duplicatesOf,
  incidentBody,
  incidentFor,
  incidentTitle,
  recurrenceComment,
  resolutionComment,
  type IncidentFacts,
} from '../core/incident/incident.js';

export type IncidentAction = 'created' | 'updated' | 'resolved' | 'nothing';

export interface IncidentOutcome {
  done: IncidentAction;
  number?: number | undefined;
  note?: string | undefined;
}

/** The one incident, opened or updated, or resolved: over GitHub's issues. */
export function trackIncident(
  tracker: IncidentTracker,
  mode: 'open' | 'resolve',
  facts: IncidentFacts,
  policy: OpenPolicy,
): Promise<IncidentOutcome> {
  return mode === 'resolve'
    ? resolveIncident(tracker, policy.label, facts)
    : openIncident(tracker, facts, policy);
}

export async function resolveIncident(
  tracker: IncidentTracker,
  label: string,
  facts: IncidentFacts,
): Promise<IncidentOutcome> {
  const open = await tracker.listOpen(label);
  const existing = incidentFor(open, facts.fingerprint);
  if (!existing)
    return { done: 'nothing', note: `no open incident for ${facts.fingerprint}; nothing to resolve` };
  await tracker.comment(existing.number, resolutionComment(facts, existing.createdAt));
  await tracker.close(existing.number, 'completed');
  for (const dup of duplicatesOf(open, facts.fingerprint)) await tracker.close(dup, 'not_planned');
  return { done: 'resolved', number: existing.number };
}

export interface OpenPolicy {
  label: string;
  labels: readonly string[];
  assignees: readonly string[];
  updateIntervalMs: number;
  openAfter: number;
  template?: string | undefined;
  /** How many checks in a row have failed, this one included; asked only before creating. */
  streak: () => Promise<number>;
}

export async function openIncident(
  tracker: IncidentTracker,
  facts: IncidentFacts,
  policy: OpenPolicy,
): Promise<IncidentOutcome> {
  const now = facts.at;
  let open = await tracker.listOpen(policy.label);
  // The issue's own update time moves with any human comment; the cadence counts
  // from what this identity last wrote, so a conversation never silences the bot.
  const current = incidentFor(open, facts.fingerprint);
  if (current && now.getTime() - current.updatedAt.getTime() < policy.updateIntervalMs) {
    const own = await tracker.lastOwnActivity(current.number, current.createdAt);
    open = open.map((i) => (i.number === current.number ? { ...i, updatedAt: own } : i));
  }
  const decision = decideOpen(open, facts.fingerprint, now, policy.updateIntervalMs);
  if (decision.kind === 'update') {
    await tracker.comment(
      decision.issue,
      recurrenceComment(facts, incidentFor(open, facts.fingerprint)!.createdAt),
    );
    return { done: 'updated', number: decision.issue };
  }
  if (decision.kind === 'nothing') return { done: 'nothing', number: decision.issue, note: decision.reason };
  const streak = policy.openAfter > 1 ? await policy.streak() : policy.openAfter;
  if (streak < policy.openAfter)
    return {
      done: 'nothing',
      note: `failed check ${streak} of ${policy.openAfter} in a row; the incident opens when ${policy.openAfter} checks in a row fail`,
    };
  return create(tracker, facts, policy);
}

async function create(
  tracker: IncidentTracker,
  facts: IncidentFacts,
  policy: OpenPolicy,
): Promise<IncidentOutcome> {
  // The severity is a label too (runbook 004), so incidents can be filtered and counted.
  const labels = [...new Set([...policy.labels, facts.severity])];
  for (const l of labels) await tracker.ensureLabel(l, 'b60205', 'Opened by release-actions');
  const previous = await tracker.lastResolved(policy.label, facts.fingerprint);
  const told = previous ? { ...facts, previous } : facts;
  const created = await tracker.create({
    title: incidentTitle(told),
    body: policy.template ? customBody(policy.template, told) : incidentBody(told),
    labels,
    assignees: [...policy.assignees],
  });
  // A concurrent run may have created one too: the lowest number wins, the rest close.
  const keep = incidentFor(await tracker.listOpen(policy.label), facts.fingerprint);
  if (!keep || keep.number === created.number) return { done: 'created', number: created.number };
  // The one kept may be this run's own: GitHub created it, answered 502, and the
  // retry made a second. Then this run did open the incident, and says so.
  const ownEarlier = keep.detectedBy === facts.runUrl;
  await tracker.comment(
    created.number,
    `Duplicate of #${keep.number}, opened ${ownEarlier ? 'by this run before a retried request' : 'by a concurrent run'}.`,
  );
  await tracker.close(created.number, 'not_planned');
  return ownEarlier
    ? { done: 'created', number: keep.number }
    : {
        done: 'nothing',
        number: keep.number,
        note: `another run opened #${keep.number} at the same time; this one's duplicate was closed`,
      };
}
