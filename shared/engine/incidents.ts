/**
 * Opening, updating and resolving the one incident issue, over the tracker: each
 * step asks the core what to do (decideOpen, incidentFor, duplicatesOf) and does it.
 */
import type { Clock } from '../adapters/clock.js';
import type { IncidentTracker } from '../adapters/incident-tracker.js';
import { claimDescription, claimLabelOf, claimState } from '../core/incident/claim.js';
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
  /** For claims: their age, and the wait for another run's issue. */
  clock: Clock;
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
  return createOnce(tracker, facts, policy);
}

/** How often a run that lost the claim looks for the claimant's issue. */
const JOIN_POLL_MS = 1_000;

/**
 * Creates the issue only under the incident's claim (core/incident/claim), so that
 * runs failing at the same moment open one issue, not one each: the others find
 * it and name it. A claim whose run died is taken over once it has expired.
 */
async function createOnce(
  tracker: IncidentTracker,
  facts: IncidentFacts,
  policy: OpenPolicy,
): Promise<IncidentOutcome> {
  const name = claimLabelOf(facts.fingerprint);
  for (let attempt = 0; attempt < 3; attempt++) {
    const description = claimDescription(policy.clock.date(), facts.runUrl || 'a run without a URL');
    // A claim GitHub will not take (a label write refused, an outage past the retries)
    // must not cost the incident: create, and let afterCreate close a duplicate.
    const claimed = await tracker.claim(name, description).catch(() => 'unclaimable' as const);
    if (claimed === 'unclaimable') return create(tracker, facts, policy);
    if (claimed === 'won') {
      try {
        // The claimant before may have created the issue and released its claim just now.
        const existing = incidentFor(await tracker.listOpen(policy.label), facts.fingerprint);
        return existing ? joined(existing.number) : await create(tracker, facts, policy);
      } finally {
        await tracker.release(name).catch(() => undefined);
      }
    }
    const waited = await awaitClaimant(tracker, name, facts.fingerprint, policy);
    if (waited.kind === 'issue') return joined(waited.number);
    // A dead claim goes only if it is still the one seen dead, not a fresh one since.
    if (waited.kind === 'dead' && (await tracker.readClaim(name)) === waited.description)
      await tracker.release(name).catch(() => undefined);
  }
  // Claims kept changing hands: create anyway; afterCreate closes a duplicate.
  return create(tracker, facts, policy);
}

const joined = (number: number): IncidentOutcome => ({
  done: 'nothing',
  number,
  note: `another run opened #${number} for this incident at the same time; this run joined it`,
});

type Waited =
  { kind: 'issue'; number: number } | { kind: 'released' } | { kind: 'dead'; description: string | null };

/** Waits for the claimant's issue while its claim lives. */
async function awaitClaimant(
  tracker: IncidentTracker,
  name: string,
  fingerprint: string,
  policy: OpenPolicy,
): Promise<Waited> {
  for (;;) {
    const issue = incidentFor(await tracker.listOpen(policy.label), fingerprint);
    if (issue) return { kind: 'issue', number: issue.number };
    const description = await tracker.readClaim(name);
    if (description === undefined) return { kind: 'released' };
    const state = claimState(description, policy.clock.date());
    if (state.kind === 'dead') return { kind: 'dead', description };
    await policy.clock.sleep(Math.min(JOIN_POLL_MS, state.leftMs));
  }
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
