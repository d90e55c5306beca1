/**
 * Opening, updating and resolving the one incident issue, over the tracker: each
 * step asks the core what to do (decideOpen, incidentFor, duplicatesOf) and does it.
 */
import type { IncidentTracker } from '../adapters/incident-tracker.js';
import {
  customBody,
  decideOpen,
  incidentBody,
  incidentFor,
  incidentTitle,
  recurrenceComment,
  resolutionComment,
  type IncidentFacts,
} from '../core/incident/incident.js';
import { afterCreate, resolvePlan, streakTooShort } from '../core/incident/open-rules.js';

export type IncidentAction = 'created' | 'updated' | 'resolved' | 'nothing';

export interface IncidentOutcome {
  done: IncidentAction;
  number?: number | undefined;
  /** When the resolved incident was opened. */
  openedAt?: Date | undefined;
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
  const plan = resolvePlan(await tracker.listOpen(label), facts.fingerprint);
  if (plan.kind === 'nothing') return { done: 'nothing', note: plan.note };
  const { incident, duplicates } = plan;
  await tracker.comment(incident.number, resolutionComment(facts, incident.createdAt));
  await tracker.close(incident.number, 'completed');
  for (const dup of duplicates) await tracker.close(dup, 'not_planned');
  return { done: 'resolved', number: incident.number, openedAt: incident.createdAt };
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
  const tooShort = streakTooShort(streak, policy.openAfter);
  if (tooShort) return { done: 'nothing', note: tooShort };
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
  const after = afterCreate(
    incidentFor(await tracker.listOpen(policy.label), facts.fingerprint),
    created.number,
    facts.runUrl,
  );
  if (after.kind === 'kept') return { done: 'created', number: after.number };
  await tracker.comment(after.close, after.comment);
  await tracker.close(after.close, 'not_planned');
  return after.ownEarlier
    ? { done: 'created', number: after.keep }
    : {
        done: 'nothing',
        number: after.keep,
        note: `another run opened #${after.keep} at the same time; this one's duplicate was closed`,
      };
}
